/**
 * find()/rfind() over a Pager: the SIMD kernels search one run of consecutive
 * frames per call and carry the bytes a match may need across runs, so faults
 * are resolved here, between calls. A needle longer than the kernel's scratch is
 * searched in pieces: its head by the kernel, the rest compared from here.
 */
import { ACCESS } from './wasm-abi.js';
import { copyOut } from './wasm-copy.js';
import type { Pager } from './wasm-pager.js';

/** The kernels return i32 indexes: one call searches at most this many bytes. */
const MAX_RUN = 2 ** 30;
/** rfind() asks for this much before the current end at once. */
const BACKWARD_SPAN = 4 * 1024 * 1024;
const COMPARE_CHUNK = 64 * 1024;

function loadNeedle(pager: Pager, needle: Uint8Array): void {
  pager.memory.heap.set(needle, pager.memory.dataInstance.layout.needlePointer);
  pager.data.findBegin(needle.length);
}

/** First index of `needle` (1 ≤ length) wholly inside [start, end), or −1. */
export function findForward(pager: Pager, needle: Uint8Array, start: number, end: number): number {
  if (needle.length > pager.memory.dataInstance.layout.needleCapacity) return findLong(pager, needle, start, end);
  loadNeedle(pager, needle);
  const keep = needle.length - 1;
  let seen = 0;
  for (let offset = start; offset < end; ) {
    const at = pager.locate(offset, end - offset, ACCESS.READ);
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
export function findBackward(pager: Pager, needle: Uint8Array, start: number, end: number): number {
  if (needle.length > pager.memory.dataInstance.layout.needleCapacity) return findLongBackward(pager, needle, start, end);
  loadNeedle(pager, needle);
  const pageSize = pager.pageSize;
  const span = pager.identity ? BACKWARD_SPAN : Math.min(BACKWARD_SPAN, (pager.memory.frameCount >> 1) * pageSize);
  for (let stop = end; stop > start; ) {
    const lastPageStart = Math.floor((stop - 1) / pageSize) * pageSize;
    let from = Math.max(start, lastPageStart - Math.max(0, Math.floor(span / pageSize) - 1) * pageSize);
    let at = pager.locate(from, stop - from, ACCESS.READ);
    if (pager.runBytes < stop - from) {
      // not one run of frames: take the last page alone
      from = Math.max(start, lastPageStart);
      at = pager.locate(from, stop - from, ACCESS.READ);
    }
    const found = pager.data.rfindRun(at, stop - from);
    if (found >= 0) return from + found;
    stop = from;
  }
  return -1;
}

/** Whether the map holds `needle` at `offset`, from byte `from` of the needle on. */
function matchesAt(pager: Pager, needle: Uint8Array, offset: number, from: number): boolean {
  const chunk = new Uint8Array(Math.min(COMPARE_CHUNK, needle.length - from));
  for (let i = from; i < needle.length; i += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, needle.length - i));
    copyOut(pager, offset + i, part);
    for (let j = 0; j < part.length; j++) if (part[j] !== needle[i + j]) return false;
  }
  return true;
}

function findLong(pager: Pager, needle: Uint8Array, start: number, end: number): number {
  const head = needle.subarray(0, pager.memory.dataInstance.layout.needleCapacity);
  const last = end - (needle.length - head.length); // a head found before here leaves room for the rest
  for (let from = start; last - from >= head.length; ) {
    const candidate = findForward(pager, head, from, last);
    if (candidate < 0) return -1;
    if (matchesAt(pager, needle, candidate, head.length)) return candidate;
    from = candidate + 1;
  }
  return -1;
}

function findLongBackward(pager: Pager, needle: Uint8Array, start: number, end: number): number {
  const head = needle.subarray(0, pager.memory.dataInstance.layout.needleCapacity);
  for (let last = end - (needle.length - head.length); last - start >= head.length; ) {
    const candidate = findBackward(pager, head, start, last);
    if (candidate < 0) return -1;
    if (matchesAt(pager, needle, candidate, head.length)) return candidate;
    last = candidate + head.length - 1; // the next candidate starts before this one
  }
  return -1;
}
