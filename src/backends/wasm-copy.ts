/**
 * Bytes in and out of a Pager: each call walks its range run by run (a run is
 * the pages that sit in consecutive frames), faulting pages in through
 * locate() and copying with one typed-array call per run.
 */
import { ACCESS } from './wasm-abi.js';
import type { Pager } from './wasm-pager.js';

/** Copies shorter than this go byte by byte: no subarray object per call. */
const SMALL_COPY = 32;
/** move() on a windowed map goes through a buffer of at most this size. */
const MOVE_CHUNK = 256 * 1024;

/** Copies [offset, offset + target.length) of the map into target. */
export function copyOut(pager: Pager, offset: number, target: Uint8Array): void {
  const total = target.length;
  let done = 0;
  while (done < total) {
    if (pager.scanning(offset + done)) {
      const direct = pager.readDirect(offset + done, target, done);
      done += direct;
      if (direct > 0) continue;
    }
    const at = pager.locate(offset + done, total - done, ACCESS.READ);
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
}

/** Copies data into the map at offset. */
export function copyIn(pager: Pager, data: Uint8Array, offset: number): void {
  pager.checkPins(offset, data.length);
  const total = data.length;
  let done = 0;
  while (done < total) {
    const at = pager.locate(offset + done, total - done, pager.writeAccess);
    const count = pager.runBytes;
    pager.memory.heap.set(count === total ? data : data.subarray(done, done + count), at);
    done += count;
  }
}

/** Sets [offset, offset + length) of the map to `value`. */
export function fillBytes(pager: Pager, value: number, offset: number, length: number): void {
  pager.checkPins(offset, length);
  for (let done = 0; done < length; done += pager.runBytes) {
    const at = pager.locate(offset + done, length - done, pager.writeAccess);
    pager.memory.heap.fill(value, at, at + pager.runBytes);
  }
}

/** memmove inside the map. */
export function moveBytes(pager: Pager, dest: number, src: number, count: number): void {
  pager.checkPins(dest, count);
  if (pager.identity) {
    // frames are the pages in order: make both ranges resident, then one memmove
    pager.ensure(src, count, ACCESS.READ);
    pager.ensure(dest, count, pager.writeAccess);
    const base = pager.memory.frameBase;
    pager.memory.heap.copyWithin(base + dest, base + src, base + src + count);
    return;
  }
  // Windowed: through a buffer, in the direction that never reads a byte already overwritten.
  const buffer = new Uint8Array(Math.min(count, MOVE_CHUNK));
  const backward = dest > src;
  for (let done = 0; done < count; ) {
    const size = Math.min(buffer.length, count - done);
    const at = backward ? count - done - size : done;
    const chunk = size === buffer.length ? buffer : buffer.subarray(0, size);
    copyOut(pager, src + at, chunk);
    copyIn(pager, chunk, dest + at);
    done += size;
  }
}

/** An alias of [offset, offset + length) (identity mode only); its pages become exposed. */
export function viewBytes(pager: Pager, offset: number, length: number): Uint8Array {
  pager.ensure(offset, length, ACCESS.EXPOSE);
  return new Uint8Array(pager.memory.heap.buffer, pager.memory.frameBase + offset, length);
}
