/** What a user's module looks like to a bundler: one import of the package by name. */
import { detectBackend, openMap } from 'portable-mmap';

export function describeBackend(): string {
  return `${detectBackend().backend}: ${openMap.name}`;
}
