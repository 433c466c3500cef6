/**
 * Memory layout. One module, two instances per map: the *metadata* instance
 * keeps the page table and frame table in its memory, the *data* instance keeps
 * the frames (and the scratch the byte kernels use) in its memory. Only the data
 * instance's memory is ever aliased by a view(); a stray store through a view's
 * `.buffer` can therefore change frame bytes but never the tables that decide
 * which page a frame is written back to.
 *
 *   metadata instance memory                       data instance memory
 *   ┌────────────────────────────┐ 0               ┌──────────────────────────┐ 0
 *   │ static data (asserts)      │                 │ static data (asserts)    │
 *   ├────────────────────────────┤ REGS = 8 KiB    ├──────────────────────────┤
 *   │ registers: 8 × f64         │                 │ (unused)                 │
 *   ├────────────────────────────┤ RECYCLE         │                          │
 *   │ recycled frames: 64 × u32  │                 │                          │
 *   ├────────────────────────────┤ TABLES = 64 KiB ├──────────────────────────┤ SCRATCH = 64 KiB
 *   │ frame table                │                 │ typed staging   64 B     │ TYPED
 *   │  frameCount × FRAME_BYTES  │                 │ needle          16 KiB   │ NEEDLE
 *   │  { page: u64, flags: u32,  │                 │ carry window    32 KiB   │ CARRY
 *   │    spare: u32 }            │                 │ line ends       16 KiB   │ LINES
 *   ├────────────────────────────┤                 ├──────────────────────────┤ FRAMES = 192 KiB
 *   │ hash: capacity × i32       │ windowed only   │ frame 0                  │
 *   │  (frame index, −1 = empty) │                 │ frame 1                  │
 *   ├────────────────────────────┤                 │ …  frameCount × pageSize │
 *   │ out: (frameCount + 1) runs │                 │                          │
 *   │  {frame, count, page} f64  │                 └──────────────────────────┘
 *   └────────────────────────────┘
 */

/** WebAssembly's own page: the unit of memory.grow. */
@inline export const WASM_PAGE: usize = 65536;
/** Registers: results an export returns beyond its return value. */
@inline export const REGS: usize = 0x2000;
@inline export const REG_FRAME: u32 = 0;
@inline export const REG_COUNT: u32 = 1;
@inline export const REG_PAGE: u32 = 2;
@inline export const REG_SLOTS: u32 = 8;
/** Ring of frames offered for reuse first (scan resistance), after the registers. */
@inline export const RECYCLE: usize = REGS + 0x100;
@inline export const RECYCLE_SLOTS: u32 = 64;

/** Metadata instance: tables start here. */
@inline export const TABLES: usize = WASM_PAGE;
@inline export const FRAME_BYTES: u32 = 16;
@inline export const FRAME_PAGE: u32 = 0;
@inline export const FRAME_FLAGS: u32 = 8;
/** One run in `out`: frame, count, page (as f64 so that pages past 2^32 fit). */
@inline export const RUN_BYTES: u32 = 24;

/** Data instance: scratch, then frames. */
@inline export const SCRATCH: usize = WASM_PAGE;
@inline export const TYPED: usize = SCRATCH;
@inline export const TYPED_BYTES: u32 = 64;
@inline export const NEEDLE: usize = SCRATCH + TYPED_BYTES;
@inline export const NEEDLE_MAX: u32 = 16384;
@inline export const CARRY: usize = NEEDLE + NEEDLE_MAX;
/** The carry window holds at most 2 × (needle − 1) bytes. */
@inline export const CARRY_MAX: u32 = 2 * NEEDLE_MAX;
@inline export const LINES: usize = CARRY + CARRY_MAX;
@inline export const LINES_MAX: u32 = 4096;
@inline export const FRAMES: usize = 3 * WASM_PAGE;

import { DEBUG } from './debug';
import { Status } from './status';

/** Grows memory to at least `bytes`; false (never a trap) where it cannot. */
export function ensureMemory(bytes: u64): bool {
  const need = <i64>((bytes + <u64>WASM_PAGE - 1) / <u64>WASM_PAGE);
  if (need > 65536) return false;
  const have = <i64>memory.size();
  if (need <= have) return true;
  return memory.grow(<i32>(need - have)) >= 0;
}

/** Data instance: makes room for `frames` frames of `pageSize` bytes after the scratch; returns FRAMES, or NO_MEMORY. */
export function initData(frames: u32, pageSize: u32): i32 {
  if (DEBUG) assert(__heap_base <= REGS && CARRY_MAX == 2 * NEEDLE_MAX && LINES + (LINES_MAX << 2) <= FRAMES);
  if (!ensureMemory(<u64>FRAMES + <u64>frames * <u64>pageSize)) return Status.NO_MEMORY;
  return <i32>FRAMES;
}
