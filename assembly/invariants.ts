/**
 * What tests read of the tables: the consistency check and each frame's record.
 * Debug builds also assert in checkInvariants().
 */
import { DEBUG } from './debug';
import { PINNED, RECYCLED, RESIDENT, USED, flagsOf, pageOf } from './frames';
import { EMPTY, pageTableSlots, slotFrame } from './page-table';
import { frameCount, frameOfPage, identity, pinned, resident } from './pager';
import { Status } from './status';

/** A frame's flags (tests). */
export function frameFlags(frame: u32): u32 {
  return flagsOf(frame);
}

/** The page a frame holds, as f64 (tests). */
export function framePage(frame: u32): f64 {
  return <f64>pageOf(frame);
}

/** 0 if the tables agree with each other, else CORRUPT. Debug builds also assert. */
export function checkInvariants(): i32 {
  let residentSeen: u32 = 0;
  let pinnedSeen: u32 = 0;
  for (let frame: u32 = 0; frame < frameCount; frame++) {
    const flags = flagsOf(frame);
    if ((flags & PINNED) != 0) pinnedSeen++;
    if ((flags & RESIDENT) == 0) {
      if ((flags & ~(USED | RECYCLED)) != 0) return corrupt();
      continue;
    }
    residentSeen++;
    if (frameOfPage(pageOf(frame)) != <i32>frame) return corrupt();
    if (identity && pageOf(frame) != <u64>frame) return corrupt();
  }
  if (residentSeen != resident || pinnedSeen != pinned) return corrupt();
  if (!identity) {
    let entries: u32 = 0;
    for (let slot: u32 = 0; slot < pageTableSlots(); slot++) {
      const frame = slotFrame(slot);
      if (frame == EMPTY) continue;
      entries++;
      if (<u32>frame >= frameCount || (flagsOf(<u32>frame) & RESIDENT) == 0) return corrupt();
    }
    if (entries != resident) return corrupt();
  }
  return 0;
}

function corrupt(): i32 {
  if (DEBUG) assert(false, 'pager tables are inconsistent');
  return Status.CORRUPT;
}
