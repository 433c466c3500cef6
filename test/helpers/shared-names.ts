/**
 * Unique shared memory names for one test file (pid + counter, so parallel jest
 * workers never collide), and their removal in afterEach even when a test failed.
 * Removal goes through /dev/shm (Linux), not through the code under test.
 */
import { existsSync, rmSync } from 'node:fs';

/** Where Linux keeps the object of a shared memory name. */
export function shmPath(name: string): string {
  return `/dev/shm/${name}`;
}

export function shmExists(name: string): boolean {
  return existsSync(shmPath(name));
}

export function sharedNames(tag: string): { next(): string; cleanup(): void } {
  let count = 0;
  const made: string[] = [];
  return {
    next() {
      const name = `pm-${tag}-${process.pid}-${count++}`;
      made.push(name);
      return name;
    },
    cleanup() {
      for (const name of made.splice(0)) rmSync(shmPath(name), { force: true });
    },
  };
}
