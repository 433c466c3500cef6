/**
 * Buffers that a copy fills entirely at once need no zero-filling first. Where Node's
 * (or Bun's) Buffer exists, allocUnsafeSlow gives a fresh, unpooled, uninitialized
 * ArrayBuffer; from 64 KiB up that is much cheaper than `new Uint8Array(n)`, which
 * zero-fills (1 MiB: ~95 µs against ~170 µs for zero-fill + copy here). Smaller sizes,
 * and runtimes without Buffer, use a plain Uint8Array. Callers must overwrite every byte
 * before the array escapes, and drop it if the copy fails.
 */

/** From this size up the uninitialized allocation pays for its call. */
export const UNINITIALIZED_FROM = 64 * 1024;

type AllocUnsafe = (length: number) => Uint8Array;
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow?: AllocUnsafe } }).Buffer;
const allocUnsafe: AllocUnsafe | undefined = NodeBuffer?.allocUnsafeSlow?.bind(NodeBuffer);

/** A Uint8Array of `length` bytes whose contents are unspecified until the caller writes them all. */
export function allocForCopy(length: number): Uint8Array {
  if (allocUnsafe === undefined || length < UNINITIALIZED_FROM) return new Uint8Array(length);
  const bytes = allocUnsafe(length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

/**
 * Reads of up to this many bytes copy in straight-line JIT code instead of slice() or
 * set(): a builtin call per read (its frame, its checks) fills the CPU's window behind
 * one cache miss, so random small reads stopped overlapping their misses: read(pos, 8)
 * over a cached 1 GiB map took 230 ns with slice(), as long as a dependent chain of
 * loads, and 105–115 ns this way. Past 8 bytes the stores alone fill that window, and slice()
 * is as fast (measured up to 16).
 */
export const SMALL_COPY_MAX = 8;

/** The `n` bytes (n < 4) at `at` as a little-endian number, reading no byte past them. */
function word(view: DataView, at: number, n: number): number {
  if (n === 3) return view.getUint16(at, true) | (view.getUint8(at + 2) << 16);
  if (n === 2) return view.getUint16(at, true);
  return n === 1 ? view.getUint8(at) : 0;
}

/**
 * A new Uint8Array of the `count` bytes at `at` in `view` (count ≤ SMALL_COPY_MAX, the
 * range inside the view). The loads come first and touch only the range (a byte past it
 * may lie on a page the caller did not ask for); stores past `count` are no-ops on a
 * typed array, which keeps the code free of a loop.
 */
export function copySmall(view: DataView, at: number, count: number): Uint8Array {
  // The index as a uint32 (every caller's is below 2^32): JavaScriptCore (Bun) takes a slow
  // path for a DataView index it holds as a double, ~90 ns against ~8 ns a random load.
  const i = at >>> 0;
  // whole words inline; word() only for the odd tails, so V8's inlining budget goes to them only where they run
  const lo = count >= 4 ? view.getUint32(i, true) : word(view, i, count);
  const hi = count >= 8 ? view.getUint32(i + 4, true) : count > 4 ? word(view, i + 4, count - 4) : 0;
  const copy = new Uint8Array(count);
  copy[0] = lo;
  copy[1] = lo >>> 8;
  copy[2] = lo >>> 16;
  copy[3] = lo >>> 24;
  copy[4] = hi;
  copy[5] = hi >>> 8;
  copy[6] = hi >>> 16;
  copy[7] = hi >>> 24;
  return copy;
}
