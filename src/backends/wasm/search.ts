/**
 * find()/rfind() over a pager: the SIMD kernels search one run of consecutive
 * frames per call and carry the bytes a match may need across runs, so faults
 * are resolved here, between calls. Where the kernels would be slow (periodic
 * text) or cannot hold the needle, a search linear in the text takes over (below).
 *
 * Resumable: where an AsyncPager must fetch a page first, a search stops and
 * returns `stopped(r)` (≤ −2): the same search (the same `Search`), restarted
 * with `r` as its start (find) or end (rfind), finds what this one would have.
 * The kernels' carry lives in the data instance only while one synchronous call
 * runs, so concurrent searches of one map never see each other's state; what a
 * search keeps between its steps is in its `Search`.
 */
import { ACCESS, STATUS } from './abi.js';
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

/** One find()/rfind() call: its needle, and what it keeps between the steps of an async search. */
export class Search {
  /** The linear search took over (the kernels were slow, or kept re-reading evicted pages). */
  linear = false;
  /** Where the linear search stopped, and how much of the needle the text before it matched. */
  resume: { at: number; matched: number } | undefined;
  /** Where the kernel search last stopped: stopping there again (or short of it) is no progress. */
  kernelStop: number | undefined;
  #pattern: Uint8Array | undefined;
  #fail: Int32Array | undefined;

  constructor(readonly needle: Uint8Array, readonly backward: boolean) {}

  /** The needle as the linear search reads it (reversed for rfind), and its border table. */
  get pattern(): Uint8Array {
    return (this.#pattern ??= this.backward ? this.needle.slice().reverse() : this.needle);
  }

  get fail(): Int32Array {
    return (this.#fail ??= borders(this.pattern));
  }
}

function loadNeedle(pager: PagerCore, needle: Uint8Array): void {
  pager.memory.heap.set(needle, pager.memory.dataInstance.layout.needlePointer);
  pager.data.findBegin(needle.length);
}

/** First index of the needle (1 ≤ length) wholly inside [start, end), or −1, or stopped(r). */
export function findForward(pager: PagerCore, search: Search, start: number, end: number): number {
  const needle = search.needle;
  if (search.linear || needle.length > pager.memory.dataInstance.layout.needleCapacity) return linearFind(pager, search, start, end);
  loadNeedle(pager, needle);
  const keep = needle.length - 1;
  let seen = 0;
  for (let offset = start; offset < end; ) {
    const at = pager.locate(offset, end - offset, ACCESS.READ);
    if (at < 0) {
      // Restarting re-reads up to `keep` bytes; where those pages were evicted meanwhile, it
      // stops here again and would forever: the linear search carries its state instead.
      if (search.kernelStop !== undefined && offset <= search.kernelStop) return linearFind(pager, search, start, end);
      search.kernelStop = offset;
      // matches that end past here may start up to `keep` bytes before it
      return stopped(Math.max(start, offset - keep));
    }
    const count = Math.min(pager.runBytes, MAX_RUN);
    const found = pager.data.findRun(at, count);
    // no match starts before the carry window (the min(keep, seen) bytes before this run)
    if (found === STATUS.COSTLY) return linearFind(pager, search, offset - Math.min(keep, seen), end);
    // an index counts from the carry window
    if (found >= 0) return offset - Math.min(keep, seen) + found;
    if (pager.faulted) pager.consumed(offset, count);
    seen += count;
    offset += count;
  }
  return -1;
}

/** The range rfind() asks for before `stop`: up to BACKWARD_SPAN, one run of frames, else the last page alone; `at` < 0 if missing. */
function backwardRun(pager: PagerCore, start: number, stop: number): { from: number; at: number } {
  const pageSize = pager.pageSize;
  const span = pager.identity ? BACKWARD_SPAN : Math.min(BACKWARD_SPAN, (pager.memory.frameCount >> 1) * pageSize);
  const lastPageStart = Math.floor((stop - 1) / pageSize) * pageSize;
  let from = Math.max(start, lastPageStart - Math.max(0, Math.floor(span / pageSize) - 1) * pageSize);
  let at = pager.locate(from, stop - from, ACCESS.READ);
  if (at >= 0 && pager.runBytes < stop - from) {
    from = Math.max(start, lastPageStart);
    at = pager.locate(from, stop - from, ACCESS.READ);
  }
  return { from, at };
}

/** Last index of the needle wholly inside [start, end), or −1, or stopped(r). */
export function findBackward(pager: PagerCore, search: Search, start: number, end: number): number {
  const needle = search.needle;
  if (search.linear || needle.length > pager.memory.dataInstance.layout.needleCapacity) return linearFindLast(pager, search, start, end);
  loadNeedle(pager, needle);
  for (let stop = end; stop > start; ) {
    const { from, at } = backwardRun(pager, start, stop);
    if (at < 0) {
      if (search.kernelStop !== undefined && stop >= search.kernelStop) return linearFindLast(pager, search, start, end); // no progress: see findForward
      search.kernelStop = stop;
      // matches that start before here may end up to `needle.length - 1` bytes after it
      return stopped(Math.min(end, stop + needle.length - 1));
    }
    const found = pager.data.rfindRun(at, stop - from);
    if (found === STATUS.COSTLY) return linearFindLast(pager, search, start, Math.min(end, stop + needle.length - 1));
    if (found >= 0) return from + found;
    stop = from;
  }
  return -1;
}

// ─── linear in the text, whatever the needle ───
//
// Knuth–Morris–Pratt over the frames, for what the SIMD kernels do badly: they filter
// candidates by their first and last byte and verify the rest, fastest on ordinary text
// but quadratic on periodic text (`aaa…ab` in `aaa…a`). They give up with COSTLY past a
// budget and the search goes on here; needles longer than the kernels' buffer start here.
// KMP keeps one number between bytes (how much of the needle the text just matched), so
// each byte is read once and runs are crossed as they come; a search that stops at a page
// still to be fetched keeps that number in its Search and resumes without re-reading.

/** fail[i]: the length of the longest proper border of needle[0 … i]. */
function borders(needle: Uint8Array): Int32Array {
  const fail = new Int32Array(needle.length);
  for (let i = 1, k = 0; i < needle.length; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = fail[k - 1];
    if (needle[i] === needle[k]) k++;
    fail[i] = k;
  }
  return fail;
}

/** The partial match a resumed linear search starts with. */
function resumed(search: Search, at: number): number {
  const resume = search.resume;
  search.linear = true;
  search.resume = undefined;
  return resume !== undefined && resume.at === at ? resume.matched : 0;
}

function linearFind(pager: PagerCore, search: Search, start: number, end: number): number {
  const { pattern, fail } = search;
  const m = pattern.length;
  let matched = resumed(search, start);
  for (let offset = start; offset < end; ) {
    const at = pager.locate(offset, end - offset, ACCESS.READ);
    if (at < 0) {
      search.resume = { at: offset, matched };
      return stopped(offset);
    }
    const count = Math.min(pager.runBytes, MAX_RUN, end - offset);
    const heap = pager.memory.heap;
    for (let i = 0; i < count; i++) {
      const byte = heap[at + i];
      while (matched > 0 && pattern[matched] !== byte) matched = fail[matched - 1];
      if (pattern[matched] === byte && ++matched === m) return offset + i + 1 - m;
    }
    if (pager.faulted) pager.consumed(offset, count);
    offset += count;
  }
  return -1;
}

/** The needle reversed, the text read backwards. */
function linearFindLast(pager: PagerCore, search: Search, start: number, end: number): number {
  const { pattern, fail } = search;
  const m = pattern.length;
  let matched = resumed(search, end);
  for (let stop = end; stop > start; ) {
    const { from, at } = backwardRun(pager, start, stop);
    if (at < 0) {
      search.resume = { at: stop, matched };
      return stopped(stop);
    }
    const heap = pager.memory.heap;
    for (let i = stop - from - 1; i >= 0; i--) {
      const byte = heap[at + i];
      while (matched > 0 && pattern[matched] !== byte) matched = fail[matched - 1];
      if (pattern[matched] === byte && ++matched === m) return from + i;
    }
    stop = from;
  }
  return -1;
}
