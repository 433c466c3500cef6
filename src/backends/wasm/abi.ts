/**
 * The typed view of the pager's exports (assembly/index.ts). Only numbers cross:
 * page numbers as f64 (exact below 2^53), frames, counts, addresses in the data
 * instance's memory, and negative `Status` values. `STATUS` and `ABI_VERSION`
 * repeat assembly/status.ts and assembly/index.ts; test/assembly checks they agree.
 */

export const ABI_VERSION = 2;

/** Negative results of the exports (assembly/status.ts). */
export const STATUS = {
  NOT_FOUND: -1,
  MISSING: -2,
  LOADING: -3,
  WRITE_BACK: -4,
  NO_MEMORY: -5,
  NO_FRAME: -6,
  CORRUPT: -7,
  COSTLY: -8,
} as const;

/** What span() marks on the pages it returns (assembly/frames.ts ACCESS_*). */
export const ACCESS = { READ: 0, WRITE: 1, COPY: 2, EXPOSE: 3 } as const;
/** One of ACCESS. */
export type AccessCode = (typeof ACCESS)[keyof typeof ACCESS];

/** Frame flags (assembly/frames.ts), for tests. */
export const FLAGS = {
  RESIDENT: 1,
  REF: 2,
  DIRTY: 4,
  EXPOSED: 8,
  PINNED: 16,
  LOADING: 32,
  USED: 64,
  RECYCLED: 128,
} as const;

/** Register indexes (f64 each) at REGS_POINTER in the metadata instance. */
export const REG_FRAME = 0;
export const REG_COUNT = 1;
export const REG_PAGE = 2;
/** A run in the metadata instance's out area: frame, count, page (f64 each). */
export const RUN_FIELDS = 3;

/** Exports the metadata instance uses: page table, frames, CLOCK. */
export interface PagerExports {
  readonly memory: WebAssembly.Memory;
  init(frames: number, identity: number, budgetFrames: number): number;
  outPointer(): number;
  span(page: number, maxCount: number, access: AccessCode): number;
  reserve(page: number, maxCount: number): number;
  complete(frame: number, count: number): void;
  abandon(frame: number, count: number): void;
  cleaned(frame: number, count: number): void;
  recycle(frame: number, count: number): void;
  collectDirty(pageFrom: number, pageTo: number): number;
  collectUsed(): number;
  dropClean(pageFrom: number, pageTo: number): number;
  dropAll(): number;
  pinCheck(page: number, count: number): number;
  residentCount(): number;
  pinnedCount(): number;
  evictionCount(): number;
  peek(page: number): number;
  checkInvariants(): number;
  frameFlags(frame: number): number;
  framePage(frame: number): number;
}

/** Exports the data instance uses: frames and the byte kernels. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  initData(frames: number, pageSize: number): number;
  memchr(pointer: number, length: number, byte: number): number;
  memrchr(pointer: number, length: number, byte: number): number;
  findBegin(needleLength: number): void;
  findRun(pointer: number, length: number): number;
  rfindRun(pointer: number, length: number): number;
  scanLines(pointer: number, length: number, base: number): number;
}

/** Addresses and capacities the module reports through its exported globals. */
export interface PagerLayout {
  regsPointer: number;
  typedPointer: number;
  needlePointer: number;
  needleCapacity: number;
  linesPointer: number;
  linesCapacity: number;
}

/** Every instance has all exports; a map uses each of its two instances for one side. */
export type PagerInstanceExports = PagerExports & KernelExports;
