/**
 * Shrinks a file from another process, as logrotate's copytruncate or another
 * writer would: coreutils' truncate(1), so the map's process never calls
 * ftruncate itself and learns of it only by touching the missing bytes.
 */
import { execFileSync } from 'node:child_process';

export function truncateFromAnotherProcess(path: string, size: number): void {
  execFileSync('truncate', ['-s', String(size), path]);
}
