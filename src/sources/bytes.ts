/** A Uint8Array as a page source: a 'write' map's changes land in the array by flush(). */
import type { PageSource } from '../types.js';

/** The array stays the caller's: close() leaves it alone, and it cannot be resized. */
export function bytesSource(bytes: Uint8Array): PageSource {
  return {
    get size() {
      return bytes.length;
    },
    read(into, position) {
      const count = Math.max(0, Math.min(into.length, bytes.length - position));
      into.set(bytes.subarray(position, position + count));
      return count;
    },
    write(from, position) {
      const count = Math.max(0, Math.min(from.length, bytes.length - position));
      bytes.set(count === from.length ? from : from.subarray(0, count), position);
      return count;
    },
  };
}
