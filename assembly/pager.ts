/**
 * The pager's mechanism, run in the metadata instance: which frame holds which
 * page, CLOCK eviction, and the dirty / exposed / pinned bits. It never touches
 * frame bytes and never calls out: the host reads and writes pages between calls.
 *
 * Identity mode: frame i holds page i (no page table, nothing is evicted).
 * Windowed mode: a fixed pool of frames, the hashed page table of
 * page-table.ts, and CLOCK (second chance) eviction.
 *
 * This file owns the tables' state and every change of it; runs.ts lists runs
 * of frames for the host and invariants.ts checks the tables (tests), both by
 * reading the state exported here.
 */
import {
  ACCESS_COPY, ACCESS_EXPOSE, ACCESS_WRITE, DIRTY, EXPOSED, LOADING, PINNED, RECYCLED, REF, RESIDENT, USED,
  flagsOf, pageOf, setFlags, setPage,
} from './frames';
import { DEBUG } from './debug';
import { FRAME_BYTES, RECYCLE, RECYCLE_SLOTS, REGS, REG_COUNT, REG_FRAME, REG_PAGE, REG_SLOTS, RUN_BYTES, TABLES, ensureMemory } from './layout';
import { EMPTY, hashFind, hashInsert, hashRemove, pageTableBits, resetPageTable } from './page-table';
import { Status } from './status';

// State of the tables; runs.ts and invariants.ts read it, only this file changes it.
export let frameCount: u32 = 0;
export let identity: bool = false;
/** maxResident / pageSize: what a 'copy' map's pins are measured against. */
let budgetFrames: u32 = 0;
/** Where collect() (runs.ts) writes its runs: frameCount + 1 of them fit. */
export let outBase: usize = 0;
let hand: u32 = 0;
export let pinned: u32 = 0;
export let resident: u32 = 0;
let recycleTop: u32 = 0;
let recycleCount: u32 = 0;
let evictions: f64 = 0;

@inline function setReg(index: u32, value: f64): void {
  if (DEBUG) assert(index < REG_SLOTS);
  // SAFETY: index < REG_SLOTS (the callers pass REG_* constants), and the REG_SLOTS f64 at REGS end before RECYCLE
  store<f64>(REGS + (index << 3), value);
}

// ─── pages and frames ───

/** The frame holding `page`, or −1. */
export function frameOfPage(page: u64): i32 {
  if (identity) return page < <u64>frameCount && (flagsOf(<u32>page) & RESIDENT) != 0 ? <i32>page : EMPTY;
  return hashFind(page);
}

function take(frame: u32, page: u64): void {
  if (DEBUG) assert((flagsOf(frame) & RESIDENT) == 0); // a free frame
  setPage(frame, page);
  setFlags(frame, RESIDENT | LOADING | USED);
  if (!identity) hashInsert(page, frame);
  resident++;
}

/** Drops the page a frame holds; the frame becomes free. */
function drop(frame: u32): void {
  const flags = flagsOf(frame);
  if (DEBUG) assert((flags & RESIDENT) != 0 && (flags & (DIRTY | EXPOSED | PINNED)) == 0);
  if (!identity) hashRemove(pageOf(frame));
  setFlags(frame, USED);
  resident--;
}

function evict(frame: u32): void {
  drop(frame);
  evictions += 1;
}

/** Free, or resident and evictable without a write-back or a second chance. */
@inline function reusableNow(frame: u32): bool {
  const flags = flagsOf(frame);
  return (flags & RESIDENT) == 0 || (flags & (REF | DIRTY | EXPOSED | PINNED | LOADING)) == 0;
}

/** Describes the run of dirty frames at `frame` (consecutive frames, consecutive pages) in the registers. */
function describeWriteBack(frame: u32): i32 {
  const page = pageOf(frame);
  let count: u32 = 1;
  while (frame + count < frameCount) {
    const flags = flagsOf(frame + count);
    if ((flags & (RESIDENT | DIRTY | LOADING | PINNED)) != (RESIDENT | DIRTY)) break;
    if (pageOf(frame + count) != page + count) break;
    count++;
  }
  setReg(REG_FRAME, frame);
  setReg(REG_COUNT, count);
  setReg(REG_PAGE, <f64>page);
  return Status.WRITE_BACK;
}

/** A recycled frame that is still reusable, or −1. */
function popRecycled(): i32 {
  while (recycleCount > 0) {
    recycleTop = (recycleTop + RECYCLE_SLOTS - 1) % RECYCLE_SLOTS;
    recycleCount--;
    const frame = load<u32>(RECYCLE + (recycleTop << 2));
    if (frame >= frameCount) continue;
    const flags = flagsOf(frame);
    if ((flags & RECYCLED) == 0) continue;
    setFlags(frame, flags & ~RECYCLED);
    if ((flags & RESIDENT) == 0) return <i32>frame;
    if (reusableNow(frame)) {
      evict(frame);
      return <i32>frame;
    }
  }
  return EMPTY;
}

/** CLOCK: the first frame at or after the hand that is free, or unreferenced and clean. */
function clockVictim(): i32 {
  for (let scanned: u32 = 0; scanned <= 2 * frameCount; scanned++) {
    const frame = hand;
    const flags = flagsOf(frame);
    if ((flags & RESIDENT) == 0) return <i32>frame;
    if ((flags & (PINNED | LOADING | EXPOSED)) == 0) {
      if ((flags & REF) == 0) {
        if ((flags & DIRTY) != 0) return describeWriteBack(frame);
        evict(frame);
        return <i32>frame;
      }
      setFlags(frame, flags & ~REF);
    }
    hand = hand + 1 == frameCount ? 0 : hand + 1;
  }
  return Status.NO_FRAME;
}

// ─── exports (re-exported by index.ts) ───

export function init(frames: u32, identityMode: bool, budget: u32): i32 {
  const bits = pageTableBits(frames);
  const tableBytes = <u64>frames * FRAME_BYTES;
  const hashBytes: u64 = identityMode ? 0 : <u64>1 << (bits + 2);
  const outAt = <u64>TABLES + tableBytes + hashBytes;
  // nothing changes unless the memory can hold the new tables
  if (!ensureMemory(outAt + (<u64>frames + 1) * RUN_BYTES)) return Status.NO_MEMORY;
  frameCount = frames;
  identity = identityMode;
  budgetFrames = budget;
  outBase = <usize>outAt;
  // SAFETY: [TABLES, outBase) lies inside memory, ensured above
  memory.fill(TABLES, 0, <usize>tableBytes);
  if (!identityMode) resetPageTable(TABLES + <usize>tableBytes, bits);
  hand = 0;
  pinned = 0;
  resident = 0;
  recycleTop = 0;
  recycleCount = 0;
  return 0;
}

export function outPointer(): usize {
  return outBase;
}

/**
 * How many pages from `page` on (at most `maxCount`) are resident in consecutive
 * frames; REG_FRAME gets the first frame. Marks them referenced, plus what `access` says.
 */
export function span(pageNumber: f64, maxCount: u32, access: i32): i32 {
  const page = <u64>pageNumber;
  const first = frameOfPage(page);
  if (first < 0) return 0;
  const frame = <u32>first;
  if ((flagsOf(frame) & LOADING) != 0) return Status.LOADING;
  const mark = access == ACCESS_WRITE ? REF | DIRTY : access == ACCESS_COPY ? REF | PINNED : access == ACCESS_EXPOSE ? REF | EXPOSED : REF;
  setReg(REG_FRAME, frame);
  let count: u32 = 0;
  while (true) {
    const flags = flagsOf(frame + count);
    if ((flags & PINNED) == 0 && (mark & PINNED) != 0) pinned++;
    setFlags(frame + count, flags | mark);
    count++;
    if (count >= maxCount || frame + count >= frameCount) break;
    const next = flagsOf(frame + count);
    if ((next & (RESIDENT | LOADING)) != RESIDENT || pageOf(frame + count) != page + count) break;
  }
  if (DEBUG) assert(identity || pinned + 2 <= budgetFrames || (mark & PINNED) == 0); // pinCheck() came first
  return <i32>count;
}

/**
 * Gives up to `maxCount` missing pages from `page` on consecutive frames, marked
 * loading; REG_FRAME gets the first. Or WRITE_BACK (write the run in the registers
 * back, call cleaned(), then ask again) or NO_FRAME.
 */
export function reserve(pageNumber: f64, maxCount: u32): i32 {
  const page = <u64>pageNumber;
  if (DEBUG) assert(maxCount > 0 && frameOfPage(page) < 0); // only missing pages are reserved
  if (identity) {
    if (DEBUG) assert(page < <u64>frameCount);
    const frame = <u32>page;
    let count: u32 = 0;
    while (count < maxCount && frame + count < frameCount && (flagsOf(frame + count) & RESIDENT) == 0) {
      take(frame + count, page + count);
      count++;
    }
    setReg(REG_FRAME, frame);
    return <i32>count;
  }
  let victim = popRecycled();
  const fromClock = victim < 0;
  if (fromClock) victim = clockVictim();
  if (victim < 0) return victim;
  const frame = <u32>victim;
  take(frame, page);
  let count: u32 = 1;
  while (count < maxCount && frame + count < frameCount && reusableNow(frame + count) && hashFind(page + count) < 0) {
    if ((flagsOf(frame + count) & RESIDENT) != 0) evict(frame + count);
    take(frame + count, page + count);
    count++;
  }
  if (fromClock) hand = frame + count == frameCount ? 0 : frame + count;
  setReg(REG_FRAME, frame);
  return <i32>count;
}

/** The bytes of `count` frames from `frame` on are in place: they become usable. */
export function complete(frame: u32, count: u32): void {
  if (DEBUG) assert(<u64>frame + count <= frameCount);
  for (let i: u32 = 0; i < count; i++) {
    const flags = flagsOf(frame + i);
    if (DEBUG) assert((flags & (RESIDENT | LOADING)) == (RESIDENT | LOADING));
    setFlags(frame + i, (flags & ~LOADING) | REF);
  }
}

/** Reading the pages failed: their frames become free again. */
export function abandon(frame: u32, count: u32): void {
  if (DEBUG) assert(<u64>frame + count <= frameCount);
  for (let i: u32 = 0; i < count; i++) {
    if (DEBUG) assert((flagsOf(frame + i) & LOADING) != 0);
    setFlags(frame + i, flagsOf(frame + i) & ~LOADING);
    drop(frame + i);
  }
}

/** The run was written back: its pages are clean again (exposed ones stay exposed). */
export function cleaned(frame: u32, count: u32): void {
  if (DEBUG) assert(<u64>frame + count <= frameCount);
  for (let i: u32 = 0; i < count; i++) setFlags(frame + i, flagsOf(frame + i) & ~DIRTY);
}

/** The host read the run once, whole: offer its frames for reuse before CLOCK's choice. */
export function recycle(frame: u32, count: u32): void {
  if (identity || frame >= frameCount) return;
  count = min(count, frameCount - frame);
  for (let i: u32 = 0; i < count; i++) {
    const flags = flagsOf(frame + i);
    if ((flags & (RESIDENT | DIRTY | EXPOSED | PINNED | LOADING)) == RESIDENT) setFlags(frame + i, (flags & ~REF) | RECYCLED);
  }
  // SAFETY: recycleTop < RECYCLE_SLOTS (it is kept modulo RECYCLE_SLOTS), and the ring's slots end before TABLES
  store<u32>(RECYCLE + (recycleTop << 2), frame);
  recycleTop = (recycleTop + 1) % RECYCLE_SLOTS;
  if (recycleCount < RECYCLE_SLOTS) recycleCount++;
}

/** Drops clean, unexposed, unpinned pages of [pageFrom, pageTo); returns how many. */
export function dropClean(from: f64, to: f64): u32 {
  const pageFrom = <u64>from;
  const pageTo = <u64>to;
  let dropped: u32 = 0;
  for (let frame: u32 = 0; frame < frameCount; frame++) {
    const flags = flagsOf(frame);
    const page = pageOf(frame);
    if ((flags & (RESIDENT | DIRTY | EXPOSED | PINNED | LOADING)) != RESIDENT || page < pageFrom || page >= pageTo) continue;
    evict(frame);
    dropped++;
  }
  return dropped;
}

/** Drops every page (all clean: the host flushed first); returns how many. */
export function dropAll(): u32 {
  let dropped: u32 = 0;
  for (let frame: u32 = 0; frame < frameCount; frame++) {
    const flags = flagsOf(frame);
    if ((flags & RESIDENT) == 0) continue;
    if (DEBUG) assert((flags & (DIRTY | PINNED | LOADING)) == 0); // flushed, not a 'copy' map
    setFlags(frame, flags & ~(EXPOSED | REF));
    evict(frame);
    dropped++;
  }
  return dropped;
}

/**
 * 0 if pinning the pages of [page, page + count) leaves at least two unpinned
 * frames, else NO_MEMORY. Identity mode never refuses: every page has its own
 * frame and nothing is evicted, so a change never needs a frame.
 */
export function pinCheck(pageNumber: f64, pageCount: f64): i32 {
  if (identity) return 0;
  const page = <u64>pageNumber;
  const count = <u64>pageCount;
  const limit: u64 = budgetFrames >= 2 ? budgetFrames - 2 : 0;
  if (count > limit) return Status.NO_MEMORY;
  let needed: u64 = pinned;
  for (let i: u64 = 0; i < count; i++) {
    const frame = frameOfPage(page + i);
    if (frame < 0 || (flagsOf(<u32>frame) & PINNED) == 0) needed++;
  }
  return needed <= limit ? 0 : Status.NO_MEMORY;
}

export function residentCount(): u32 {
  return resident;
}

export function pinnedCount(): u32 {
  return pinned;
}

export function evictionCount(): f64 {
  return evictions;
}

/** The frame of a resident page (without marking it referenced), or MISSING. */
export function peek(page: f64): i32 {
  const frame = frameOfPage(<u64>page);
  return frame < 0 ? Status.MISSING : frame;
}
