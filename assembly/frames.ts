/**
 * Frame records, in the metadata instance's memory at TABLES: one
 * { page: u64, flags: u32, spare: u32 } per frame, read and written through
 * these accessors only.
 */
import { FRAME_BYTES, FRAME_FLAGS, FRAME_PAGE, TABLES } from './layout';

// ─── frame flags ───
@inline export const RESIDENT: u32 = 1;
/** Referenced since the CLOCK hand last passed. */
@inline export const REF: u32 = 2;
/** Changed through the pager (write, fill, move, typed setters, cursor writes). */
@inline export const DIRTY: u32 = 4;
/** Aliased by a view(): may change without the pager knowing, so it counts as dirty and is never evicted. */
@inline export const EXPOSED: u32 = 8;
/** A 'copy' map's changed page: never evicted, never written back. */
@inline export const PINNED: u32 = 16;
/** Has a frame but its bytes are not read yet. */
@inline export const LOADING: u32 = 32;
/** Held data since init: zeroed before the memory is reused by another map. */
@inline export const USED: u32 = 64;
/** Offered for reuse before the CLOCK hand's choice (scan resistance). */
@inline export const RECYCLED: u32 = 128;

// ─── what a span() access marks ───
@inline export const ACCESS_READ: i32 = 0;
@inline export const ACCESS_WRITE: i32 = 1;
@inline export const ACCESS_COPY: i32 = 2;
@inline export const ACCESS_EXPOSE: i32 = 3;

@inline function recordOf(frame: u32): usize {
  return TABLES + <usize>frame * FRAME_BYTES;
}

// SAFETY (all four): callers pass frame < frameCount; init() sized the table for frameCount records
@inline export function flagsOf(frame: u32): u32 {
  return load<u32>(recordOf(frame), FRAME_FLAGS);
}
@inline export function setFlags(frame: u32, flags: u32): void {
  store<u32>(recordOf(frame), flags, FRAME_FLAGS);
}
@inline export function pageOf(frame: u32): u64 {
  return load<u64>(recordOf(frame), FRAME_PAGE);
}
@inline export function setPage(frame: u32, page: u64): void {
  store<u64>(recordOf(frame), page, FRAME_PAGE);
}
