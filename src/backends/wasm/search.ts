/**
 * find()/rfind() over a pager: the SIMD kernels search one run of consecutive
 * frames per call and carry the bytes a match may need across runs, so faults
 * are resolved here, between calls. A needle longer than the kernel's scratch is
 * searched in pieces: its head by the kernel, the rest compared from here.
 *
 * Resumable: where an AsyncPager must fetch a page first, a search stops and
 * returns `stopped(r)` (≤ −2): the same search, restarted with `r` as its
 * start (find) or end (rfind), finds what this one would have. The kernels'
 * carry lives in the data instance only while one synchronous call runs, so
 * concurrent searches of one map never see each other's state.
 */
import { ACCESS } from './abi.js';
import { copyOut } from './copy.js';
import type { PagerCore } from './pager-core.js';

/** The result of a search that stopped at a page it must wait for; `resume` is where to restart it. */
export function stopped(resume: number): number {
  return -2 - resume;
}

/** Where to restart a search that returned `result` (≤ −2). */
export function resumeAt(result: number): number {
  return -2 - result;
}

/** The kernels return i32 indexes: one call searches at most this many bytes. */
const MAX_RUN = 2 ** 30;
/** rfind() asks for this much before the current end at once. */
const BACKWARD_SPAN = 4 * 1024 * 1024;
const COMPARE_CHUNK = 64 * 1024;

function loadNeedle(pager: PagerCore, needle: Uint8Array): void {
  pager.memory.heap.set(needle, pager.memory.dataInstance.layout.needlePointer);
  pager.data.findBegin(needle.length);
}

/** First index of `needle` (1 ≤ length) wholly inside [start, end), or −1. */
export function findForward(pager: PagerCore, needle: Uint8Array, start: number, end: number): number {
  if (needle.length > pager.memory.dataInstance.layout.needleCapacity) return findLong(pager, needle, start, end);
  loadNeedle(pager, needle);
  const keep = needle.length - 1;
  let seen = 0;
  for (let offset = start; offset < end; ) {
    const at = pager.locate(offset, end - offset, ACCESS.READ);
    // matches that end past here may start up to `keep` bytes before it
    if (at < 0) return stopped(Math.max(start, offset - keep));
    const count = Math.min(pager.runBytes, MAX_RUN);
    const found = pager.data.findRun(at, count);
    // an index counts from the carry window: the min(keep, seen) bytes before this run
    if (found >= 0) return offset - Math.min(keep, seen) + found;
    if (pager.faulted) pager.consumed(offset, count);
    seen += count;
    offset += count;
  }
  return -1;
}

/** Last index of `needle` wholly inside [start, end), or −1. */
export function findBackward(pager: PagerCore, needle: Uint8Array, start: number, end: number): number {
  if (needle.length > pager.memory.dataInstance.layout.needleCapacity) return findLongBackward(pager, needle, start, end);
  loadNeedle(pager, needle);
  const pageSize = pager.pageSize;
  const span = pager.identity ? BACKWARD_SPAN : Math.min(BACKWARD_SPAN, (pager.memory.frameCount >> 1) * pageSize);
  for (let stop = end; stop > start; ) {
    const lastPageStart = Math.floor((stop - 1) / pageSize) * pageSize;
    let from = Math.max(start, lastPageStart - Math.max(0, Math.floor(span / pageSize) - 1) * pageSize);
    let at = pager.locate(from, stop - from, ACCESS.READ);
    if (at >= 0 && pager.runBytes < stop - from) {
      // not one run of frames: take the last page alone
      from = Math.max(start, lastPageStart);
      at = pager.locate(from, stop - from, ACCESS.READ);
    }
    // matches that start before here may end up to `needle.length - 1` bytes after it
    if (at < 0) return stopped(Math.min(end, stop + needle.length - 1));
    const found = pager.data.rfindRun(at, stop - from);
    if (found >= 0) return from + found;
    stop = from;
  }
  return -1;
}

/** Whether the map holds `needle` at `offset`, from byte `from` of the needle on; undefined where a page must be fetched first. */
function matchesAt(pager: PagerCore, needle: Uint8Array, offset: number, from: number): boolean | undefined {
  const chunk = new Uint8Array(Math.min(COMPARE_CHUNK, needle.length - from));
  for (let i = from; i < needle.length; i += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, needle.length - i));
    if (copyOut(pager, offset + i, part) < part.length) return undefined;
    for (let j = 0; j < part.length; j++) if (part[j] !== needle[i + j]) return false;
  }
  return true;
}

function findLong(pager: PagerCore, needle: Uint8Array, start: number, end: number): number {
  const head = needle.subarray(0, pager.memory.dataInstance.layout.needleCapacity);
  const last = end - (needle.length - head.length); // a head found before here leaves room for the rest
  for (let from = start; last - from >= head.length; ) {
    const candidate = findForward(pager, head, from, last);
    if (candidate < 0) return candidate; // −1, or stopped: no head starts before its resume point
    const match = matchesAt(pager, needle, candidate, head.length);
    if (match === undefined) return stopped(candidate);
    if (match) return candidate;
    from = candidate + 1;
  }
  return -1;
}

function findLongBackward(pager: PagerCore, needle: Uint8Array, start: number, end: number): number {
  const head = needle.subarray(0, pager.memory.dataInstance.layout.needleCapacity);
  for (let last = end - (needle.length - head.length); last - start >= head.length; ) {
    const candidate = findBackward(pager, head, start, last);
    if (candidate === -1) return -1;
    if (candidate < -1) return stopped(Math.min(end, resumeAt(candidate) + needle.length - head.length));
    const match = matchesAt(pager, needle, candidate, head.length);
    if (match === undefined) return stopped(Math.min(end, candidate + needle.length));
    if (match) return candidate;
    last = candidate + head.length - 1; // the next candidate starts before this one
  }
  return -1;
}
