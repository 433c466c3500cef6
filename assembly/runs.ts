/**
 * Runs for the host: collect() lists consecutive frames (and pages) whose flags
 * match, in the metadata instance's `out` area, for write-back and for zeroing
 * frames before an instance is reused.
 */
import { DIRTY, EXPOSED, LOADING, USED, flagsOf, pageOf } from './frames';
import { RUN_BYTES } from './layout';
import { frameCount, identity, outBase } from './pager';

/**
 * Writes runs (frame, count, page) of consecutive frames whose flags have any of
 * `mask` to out; with `byPage` a run's pages are consecutive too. Returns how many.
 */
function collect(mask: u32, pageFrom: u64, pageTo: u64, byPage: bool): u32 {
  let runs: u32 = 0;
  let runFrame: u32 = 0;
  let runCount: u32 = 0;
  let runPage: u64 = 0;
  let first: u32 = 0;
  let last = frameCount;
  if (identity) {
    first = <u32>min(pageFrom, <u64>frameCount);
    last = <u32>min(pageTo, <u64>frameCount);
  }
  for (let frame = first; frame < last; frame++) {
    const flags = flagsOf(frame);
    const page = pageOf(frame);
    const wanted = (flags & mask) != 0 && (flags & LOADING) == 0 && page >= pageFrom && page < pageTo;
    if (wanted && runCount > 0 && frame == runFrame + runCount && (!byPage || page == runPage + runCount)) {
      runCount++;
      continue;
    }
    if (runCount > 0) runs = putRun(runs, runFrame, runCount, runPage);
    runCount = 0;
    if (wanted) {
      runFrame = frame;
      runCount = 1;
      runPage = page;
    }
  }
  if (runCount > 0) runs = putRun(runs, runFrame, runCount, runPage);
  return runs;
}

function putRun(index: u32, frame: u32, count: u32, page: u64): u32 {
  const at = outBase + <usize>index * RUN_BYTES;
  // SAFETY: index < frameCount (one run per frame at most); out holds frameCount + 1 runs
  store<f64>(at, frame);
  store<f64>(at, count, 8);
  store<f64>(at, <f64>page, 16);
  return index + 1;
}

/** Runs of pages in [pageFrom, pageTo) changed since their last write-back (exposed ones included). */
export function collectDirty(pageFrom: f64, pageTo: f64): u32 {
  return collect(DIRTY | EXPOSED, <u64>pageFrom, <u64>pageTo, true);
}

/** Runs of frames that held data since init (to be zeroed before reuse). */
export function collectUsed(): u32 {
  return collect(USED, 0, u64.MAX_VALUE, false);
}
