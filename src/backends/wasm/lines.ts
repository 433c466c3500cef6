/**
 * copyLines() for cursor.lines() on a wasm map: copies a chunk out of a
 * synchronous pager run by run, as copyOut() does, and lists the chunk's line
 * ends with the SIMD line scan while each run is still in its frames (in
 * windowed mode the next run's fault may evict them). Pages a sequential scan
 * reads straight into the chunk (readDirect()) never sit in frames: their line
 * ends are found with indexOf.
 */
import { NEWLINE } from '../../map/line-chunks.js';
import { ACCESS } from './abi.js';
import type { DirectRead } from './copy.js';
import type { PagerCore } from './pager-core.js';

/**
 * Copies [offset, offset + target.length) of the map into target and writes the
 * index in target of each '\n' to `ends` (at most ends.length); returns how many.
 * The pager is synchronous: locate() brings a page in before it returns.
 */
export function copyLines(pager: PagerCore & Partial<DirectRead>, offset: number, target: Uint8Array, ends: Int32Array): number {
  const total = target.length;
  let count = 0;
  let done = 0;
  while (done < total) {
    if (pager.scanning?.(offset + done)) {
      const direct = pager.readDirect!(offset + done, target, done);
      if (direct > 0) {
        count = indexNewlines(target.subarray(done, done + direct), done, ends, count);
        done += direct;
        continue;
      }
    }
    const at = pager.locate(offset + done, total - done, ACCESS.READ);
    const bytes = pager.runBytes;
    target.set(pager.memory.heap.subarray(at, at + bytes), done);
    count = scanRun(pager, at, bytes, done, ends, count);
    if (pager.faulted) pager.consumed(offset + done, bytes);
    done += bytes;
  }
  return count;
}

/**
 * Appends to ends[count…] the index of each '\n' of the run of `bytes` bytes at
 * `at` in the data memory, which was copied to target[base…]; returns the new count.
 */
function scanRun(pager: PagerCore, at: number, bytes: number, base: number, ends: Int32Array, count: number): number {
  const { linesPointer, linesCapacity } = pager.memory.dataInstance.layout;
  for (let from = 0; from < bytes && count < ends.length; ) {
    // the kernel lists up to linesCapacity ends, each plus base + from: indexes in target
    const found = pager.data.scanLines(at + from, bytes - from, base + from);
    const take = Math.min(found, ends.length - count);
    ends.set(new Int32Array(pager.memory.heap.buffer, linesPointer, take), count);
    count += take;
    if (found < linesCapacity) break;
    from = ends[count - 1] + 1 - base;
  }
  return count;
}

/** Appends the index (plus `base`) of each '\n' in `bytes` to ends[count…]; returns the new count. */
function indexNewlines(bytes: Uint8Array, base: number, ends: Int32Array, count: number): number {
  for (let i = bytes.indexOf(NEWLINE); i !== -1 && count < ends.length; i = bytes.indexOf(NEWLINE, i + 1)) ends[count++] = base + i;
  return count;
}
