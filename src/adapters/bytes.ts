/**
 * What every adapter needs from a map: its bytes as a copy the consumer may keep
 * (a view dies with the map, and a wasm map's frames are reused), clipped at the
 * end instead of failing (parsers ask for more than is left: pmtiles 16 KiB at
 * once, geotiff a header block), and a consumer's abort signal honoured.
 */
import { aborted, invalidArgType, outOfRange } from '../errors.js';
import type { AsyncMemoryMap, MemoryMap } from '../types.js';

/** Either kind of map; the adapters serve both. */
export type AnyMap = MemoryMap | AsyncMemoryMap;

/** Only an AsyncMemoryMap has load(). */
export function isAsyncMap(map: AnyMap): map is AsyncMemoryMap {
  return typeof (map as AsyncMemoryMap).load === 'function';
}

/** @throws {TypeError} ERR_INVALID_ARG_TYPE unless `map` is a MemoryMap or an AsyncMemoryMap */
export function checkMap(map: unknown): AnyMap {
  const candidate = map as Partial<MemoryMap> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.read !== 'function' || typeof candidate.byteLength !== 'number') {
    throw invalidArgType('map', 'a MemoryMap or an AsyncMemoryMap', map);
  }
  return map as AnyMap;
}

/** `[start, end)` of a `size`-byte range read the way ArrayBuffer.prototype.slice reads its arguments. */
export function sliceBounds(size: number, start?: number, end?: number): [number, number] {
  const at = (value: number | undefined, otherwise: number) => {
    if (value === undefined) return otherwise;
    const n = Math.trunc(Number(value)) || 0;
    return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
  };
  const from = at(start, 0);
  return [from, Math.max(from, at(end, size))];
}

/** The ArrayBuffer holding exactly `bytes` (read() results own theirs; anything else is copied once). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer as ArrayBuffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength && Object.prototype.toString.call(buffer) === '[object ArrayBuffer]') return buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** Rejects once `signal` aborts; the read it races may still finish, and is then dropped. */
function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A copy of `length` bytes at `offset`, fewer where the map ends (none past it).
 * Sync maps answer synchronously; async maps fetch what is missing.
 * @throws {MmapError} the map's own errors (ERR_MMAP_CLOSED, ERR_MMAP_SOURCE_CHANGED, …); AbortError once `signal` aborts
 */
export function readClipped(map: AnyMap, offset: number, length: number, signal?: AbortSignal | null): Uint8Array | Promise<Uint8Array> {
  const start = Math.min(Math.max(0, offset), map.byteLength);
  const count = Math.max(0, Math.min(length, map.byteLength - start));
  if (!isAsyncMap(map)) {
    if (signal?.aborted) throw aborted(signal.reason);
    return map.read(start, count);
  }
  if (signal?.aborted) return Promise.reject(aborted(signal.reason));
  const read = map.read(start, count);
  return signal ? raced(read, signal) : read;
}

/** readClipped(), always as a Promise (for interfaces that are asynchronous whatever the map). */
export async function readAsync(map: AnyMap, offset: number, length: number, signal?: AbortSignal | null): Promise<Uint8Array<ArrayBuffer>> {
  return (await readClipped(map, offset, length, signal)) as Uint8Array<ArrayBuffer>; // read() copies into an ArrayBuffer of its own
}

/**
 * Exactly `length` bytes at `offset`, for consumers that were promised a size
 * (a Blob's, a Response's Content-Length): a map that shrank since is an error, never short data.
 * @throws {RangeError} ERR_OUT_OF_RANGE when the map no longer holds them all
 */
export async function readExact(map: AnyMap, offset: number, length: number, signal?: AbortSignal | null): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await readAsync(map, offset, length, signal);
  if (bytes.length < length) throw outOfRange('offset + length', offset + length, `at most the map's byteLength (${map.byteLength}); the map shrank`);
  return bytes;
}

/** Reads [start, end) in `chunk`-byte pieces as a byte stream (readExact: all of it, or an error); cancelling stops the reads. */
export function rangeStream(map: AnyMap, start: number, end: number, chunk = 1024 * 1024, signal?: AbortSignal | null): ReadableStream<Uint8Array> {
  let at = start;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= end) {
        controller.close();
        return;
      }
      const bytes = await readExact(map, at, Math.min(chunk, end - at), signal);
      at += bytes.length;
      controller.enqueue(bytes);
    },
  });
}
