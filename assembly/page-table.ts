/**
 * The page table of windowed mode: open addressing over frame indexes (the key,
 * the page, is read from the frame record), linear probing and backward-shift
 * deletion, with at least twice as many slots as frames, so its size follows
 * the frame budget, never the file's length. Slots hold i32 frame indexes, −1 empty.
 */
import { DEBUG } from './debug';
import { pageOf } from './frames';

export const EMPTY: i32 = -1;
const GOLDEN: u64 = 0x9e3779b97f4a7c15;

let hashBits: u32 = 4;
let hashMask: u32 = 15;
let hashBase: usize = 0;

/** log2 of the slots for `frames` frames: at least 16 slots, at least twice the frames. */
export function pageTableBits(frames: u32): u32 {
  let bits: u32 = 4;
  while ((<u64>1 << bits) < <u64>frames * 2) bits++;
  return bits;
}

/** Empties the table of 2^bits slots at `base`. */
export function resetPageTable(base: usize, bits: u32): void {
  hashBits = bits;
  hashMask = (1 << bits) - 1;
  hashBase = base;
  // SAFETY: init() ensured memory for the 2^bits slots at base
  memory.fill(base, 0xff, <usize>1 << (bits + 2));
}

/** Slots in the table, and the frame in one (invariant checks). */
export function pageTableSlots(): u32 {
  return hashMask + 1;
}
export function slotFrame(slot: u32): i32 {
  return slotAt(slot);
}

@inline function slotOf(page: u64): u32 {
  return <u32>((page * GOLDEN) >> (64 - <u64>hashBits));
}
@inline function slotAt(slot: u32): i32 {
  return load<i32>(hashBase + (<usize>slot << 2));
}
@inline function setSlot(slot: u32, frame: i32): void {
  store<i32>(hashBase + (<usize>slot << 2), frame);
}

export function hashFind(page: u64): i32 {
  let slot = slotOf(page);
  while (true) {
    const frame = slotAt(slot);
    if (frame == EMPTY || pageOf(<u32>frame) == page) return frame;
    slot = (slot + 1) & hashMask;
  }
  return EMPTY;
}

export function hashInsert(page: u64, frame: u32): void {
  let slot = slotOf(page);
  while (slotAt(slot) != EMPTY) slot = (slot + 1) & hashMask;
  setSlot(slot, <i32>frame);
}

/** Knuth's algorithm R: removes the entry and shifts later ones of its cluster back, so no tombstones. */
export function hashRemove(page: u64): void {
  let hole = slotOf(page);
  while (true) {
    const frame = slotAt(hole);
    if (DEBUG) assert(frame != EMPTY); // the page is in the table
    if (pageOf(<u32>frame) == page) break;
    hole = (hole + 1) & hashMask;
  }
  let next = hole;
  while (true) {
    next = (next + 1) & hashMask;
    const frame = slotAt(next);
    if (frame == EMPTY) break;
    const home = slotOf(pageOf(<u32>frame));
    // the entry may stay if its home lies cyclically in (hole, next]
    const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
    if (stays) continue;
    setSlot(hole, frame);
    hole = next;
  }
  setSlot(hole, EMPTY);
}
