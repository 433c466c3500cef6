/**
 * The pager's exports. Every map runs two instances of this module: a metadata
 * instance (page table, frames, CLOCK: the pager exports) and a data instance
 * (frames and scratch: initData and the kernel exports). See layout.ts.
 */
import { LINES, LINES_MAX, NEEDLE, NEEDLE_MAX, REGS, TYPED } from './layout';

export { Status } from './status';

/** Bumped whenever an export, a status or the layout changes; src/backends/wasm/module.ts checks it. */
export const ABI_VERSION: i32 = 2;

/** Address of the registers (f64 each) in the metadata instance. */
export const REGS_POINTER: usize = REGS;
/** Data instance scratch: typed-access staging, the needle, the line-end list. */
export const TYPED_POINTER: usize = TYPED;
export const NEEDLE_POINTER: usize = NEEDLE;
/** The longest needle a kernel takes at once; longer ones are searched in pieces by the host. */
export const NEEDLE_CAPACITY: u32 = NEEDLE_MAX;
export const LINES_POINTER: usize = LINES;
export const LINES_CAPACITY: u32 = LINES_MAX;

// ─── metadata instance ───

export {
  /** Lays out and clears the tables for `frames` frames: 0, or NO_MEMORY. */
  init,
  /** Where collectDirty()/collectUsed() put their runs. */
  outPointer,
  /** Resident pages in consecutive frames from `page` on, marked as accessed. */
  span,
  /** Frames for missing pages, or WRITE_BACK / NO_FRAME. */
  reserve,
  /** Reserved pages were read: they become usable. */
  complete,
  /** Reading reserved pages failed: their frames are freed. */
  abandon,
  /** A written-back run is clean. */
  cleaned,
  /** A run read once, whole, is offered for reuse first. */
  recycle,
  /** Drops clean pages in a page range. */
  dropClean,
  /** Drops every page. */
  dropAll,
  /** Whether pinning a page range keeps two frames unpinned. */
  pinCheck,
  /** Resident pages. */
  residentCount,
  /** Pinned pages. */
  pinnedCount,
  /** Pages evicted since the instance was created. */
  evictionCount,
  /** A resident page's frame, or MISSING; changes nothing. */
  peek,
} from './pager';

export {
  /** Runs of changed pages in a page range. */
  collectDirty,
  /** Runs of frames that held data since init. */
  collectUsed,
} from './runs';

export {
  /** The tables' consistency (tests). */
  checkInvariants,
  /** A frame's flags (tests). */
  frameFlags,
  /** The page a frame holds (tests). */
  framePage,
} from './invariants';

export {
  /** Makes room for the frames after the scratch; returns the first frame's address, or NO_MEMORY. */
  initData,
} from './layout';

export {
  /** First index of a byte in a range (memchr). */
  memchr,
  /** Last index of a byte in a range. */
  memrchr,
  /** Starts a search (forward or backward) for the needle at NEEDLE_POINTER. */
  findBegin,
  /** Searches the next run; the index counts from the carry window's start. */
  findRun,
  /** Searches the preceding run; the index counts from the run's start. */
  rfindRun,
  /** Offsets of '\n' bytes in a range, plus a base, written to LINES_POINTER as i32. */
  scanLines,
} from './kernels';
