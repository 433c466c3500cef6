/**
 * Bytes in and out of a pager: each call walks its range run by run (a run is
 * the pages that sit in consecutive frames), faulting pages in through
 * locate() and copying with one typed-array call per run.
 *
 * Resumable: each walk starts at `from` and returns how far it got. A
 * synchronous Pager always gets to the end; an AsyncPager stops at the first
 * page it has to fetch (locate() returns −1), and the caller awaits the fetch
 * and calls again from there.
 */
import { ACCESS, type AccessCode } from './abi.js';
import type { PagerCore } from './pager-core.js';

/** Copies shorter than this go byte by byte: no subarray object per call. */
const SMALL_COPY = 32;
/** move() on a windowed map goes through a buffer of at most this size. */
export const MOVE_CHUNK = 256 * 1024;

/**
 * What a pager may add to copyOut(): during a sequential scan, reading missing
 * whole pages straight into the target, past the frames. Only the synchronous
 * Pager can (an asynchronous read cannot complete inside copyOut()).
 */
export interface DirectRead {
  /** Whether a read at `offset` continues a sequential scan that readDirect() may serve. */
  scanning(offset: number): boolean;
  /** Reads the missing whole pages from `offset` into target from index `from`; returns the bytes read, 0 if none. */
  readDirect(offset: number, target: Uint8Array, from: number): number;
}

/** Copies [offset + from, offset + target.length) of the map into target from index `from`; returns the bytes done. */
export function copyOut(pager: PagerCore & Partial<DirectRead>, offset: number, target: Uint8Array, from = 0): number {
  const total = target.length;
  let done = from;
  while (done < total) {
    if (pager.scanning?.(offset + done)) {
      const direct = pager.readDirect!(offset + done, target, done);
      done += direct;
      if (direct > 0) continue;
    }
    const at = pager.locate(offset + done, total - done, ACCESS.READ);
    if (at < 0) return done;
    const count = pager.runBytes;
    const heap = pager.memory.heap;
    if (count < SMALL_COPY) {
      for (let i = 0; i < count; i++) target[done + i] = heap[at + i];
    } else {
      target.set(heap.subarray(at, at + count), done);
    }
    if (pager.faulted) pager.consumed(offset + done, count);
    done += count;
  }
  return total;
}

/** Copies data (from index `from`) into the map at offset; returns the bytes done. */
export function copyIn(pager: PagerCore, data: Uint8Array, offset: number, from = 0): number {
  const total = data.length;
  pager.checkPins(offset + from, total - from);
  let done = from;
  while (done < total) {
    const at = pager.locate(offset + done, total - done, pager.writeAccess);
    if (at < 0) return done;
    const count = pager.runBytes;
    pager.memory.heap.set(count === total ? data : data.subarray(done, done + count), at);
    done += count;
  }
  return total;
}

/** Sets [offset + from, offset + length) of the map to `value`; returns the bytes done. */
export function fillBytes(pager: PagerCore, value: number, offset: number, length: number, from = 0): number {
  pager.checkPins(offset + from, length - from);
  for (let done = from; done < length; done += pager.runBytes) {
    const at = pager.locate(offset + done, length - done, pager.writeAccess);
    if (at < 0) return done;
    pager.memory.heap.fill(value, at, at + pager.runBytes);
  }
  return length;
}

/** Makes [offset + from, offset + length) resident, marked for `access`; returns the bytes done. */
export function touch(pager: PagerCore, offset: number, length: number, access: AccessCode, from = 0): number {
  for (let done = from; done < length; done += pager.runBytes) {
    if (pager.locate(offset + done, length - done, access) < 0) return done;
  }
  return length;
}

/**
 * The pieces of a move of `count` bytes through a buffer of `chunk` bytes, in
 * the order that never reads a byte already overwritten: `[at, size]` pairs,
 * offsets relative to the start of both ranges.
 */
export function* moveChunks(dest: number, src: number, count: number, chunk: number): Generator<[number, number]> {
  const backward = dest > src;
  for (let done = 0; done < count; ) {
    const size = Math.min(chunk, count - done);
    yield [backward ? count - done - size : done, size];
    done += size;
  }
}

/** memmove inside the map (synchronous pagers). */
export function moveBytes(pager: PagerCore, dest: number, src: number, count: number): void {
  pager.checkPins(dest, count);
  if (pager.identity) {
    // frames are the pages in order: make both ranges resident, then one memmove
    touch(pager, src, count, ACCESS.READ);
    touch(pager, dest, count, pager.writeAccess);
    const base = pager.memory.frameBase;
    pager.memory.heap.copyWithin(base + dest, base + src, base + src + count);
    return;
  }
  // Windowed: through a buffer.
  const buffer = new Uint8Array(Math.min(count, MOVE_CHUNK));
  for (const [at, size] of moveChunks(dest, src, count, buffer.length)) {
    const part = size === buffer.length ? buffer : buffer.subarray(0, size);
    copyOut(pager, src + at, part);
    copyIn(pager, part, dest + at);
  }
}

/** An alias of [offset, offset + length) (identity mode only); its pages become exposed. */
export function viewBytes(pager: PagerCore, offset: number, length: number): Uint8Array {
  touch(pager, offset, length, ACCESS.EXPOSE);
  return new Uint8Array(pager.memory.heap.buffer, pager.memory.frameBase + offset, length);
}

/**
 * The index in `pager.memory.dataView` of the `size` bytes at `offset`, for a
 * typed access. A value straddling two pages whose frames are not adjacent
 * (windowed mode) is staged in scratch: then the index is `stagingPointer`,
 * and a setter copies the scratch back with copyIn().
 */
export function typedIndex(pager: PagerCore, offset: number, size: number, access: AccessCode): number {
  const at = pager.locate(offset, size, access);
  if (pager.runBytes === size) return at;
  copyOut(pager, offset, pager.staging(size));
  return pager.stagingPointer;
}
