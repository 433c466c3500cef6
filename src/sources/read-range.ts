/** The argument rules every built-in page source applies to `read(into, position)`, and a read's options. */
import { invalidArgType, outOfRange } from '../errors.js';

/**
 * A read's options: `signal` cancels it; `landed(bytes)` is told, as the bytes arrive, that the first
 * `bytes` of `into` hold their final bytes (no retry writes them again), so a pager can use them early.
 */
export interface ReadOptions {
  signal?: AbortSignal;
  landed?: (bytes: number) => void;
}

/**
 * Checks a read's arguments against a source of `size` bytes and returns how many bytes
 * it covers: `into.length` clipped at the end, so no read leaves `[0, size)`.
 * @throws {TypeError} ERR_INVALID_ARG_TYPE  @throws {RangeError} ERR_OUT_OF_RANGE (position outside [0, size])
 */
export function readLength(into: unknown, position: unknown, size: number): number {
  if (!(into instanceof Uint8Array)) throw invalidArgType('into', 'an instance of Uint8Array', into);
  if (typeof position !== 'number') throw invalidArgType('position', 'of type number', position);
  if (!Number.isSafeInteger(position) || position < 0 || position > size) {
    throw outOfRange('position', position, `>= 0 && <= ${size}`);
  }
  return Math.min(into.length, size - position);
}
