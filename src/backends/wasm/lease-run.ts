/**
 * How an asynchronous pager runs a stream's read (a lease's copyOut() or readOut()):
 * its first step runs at once when no call runs alone. A sequential scan mostly
 * finds its pages loaded or landed ahead of it (read-ahead, loads.ts), and then
 * the chunk is copied without a Promise: a 64 KiB chunk costs about as much to
 * copy as to await. Otherwise the read goes on as any call does (drive()).
 */
import { ACCESS } from './abi.js';
import type { CallGate } from './call-gate.js';
import { copyOut } from './copy.js';
import type { PagerCore } from './pager-core.js';

/** What a lease's read needs of its pager. */
export interface LeaseHost {
  readonly gate: CallGate;
  /** One step of a call, allowed to fault: true once the call is complete. */
  runStep(step: () => boolean): boolean;
  drive(step: () => boolean, check: () => void, signal?: AbortSignal, stepped?: boolean): Promise<void>;
}

/** Runs `step` until complete (see the file's comment); `check` throws once the lease may not read; then `result()`. */
export function runLease<T>(host: LeaseHost, step: () => boolean, check: () => void, result: () => T): T | Promise<T> {
  if (!host.gate.tryEnter()) return afterAlone(host, step, check, result);
  let complete: boolean;
  try {
    check();
    complete = host.runStep(step);
  } catch (error) {
    host.gate.leave();
    throw error;
  }
  if (complete) {
    host.gate.leave();
    return result();
  }
  return host.drive(step, check, undefined, true).finally(() => host.gate.leave()).then(result);
}

/** runLease() once the call that runs alone (a resize) is done. */
async function afterAlone<T>(host: LeaseHost, step: () => boolean, check: () => void, result: () => T): Promise<T> {
  await host.gate.enter();
  try {
    await host.drive(step, check);
  } finally {
    host.gate.leave();
  }
  return result();
}

/** The steps of a read of `count` bytes at `offset` into a new array: `step` for runLease(), then `result`. */
export class ChunkRead {
  private out: Uint8Array | undefined;
  private done = 0;

  constructor(
    private readonly pager: PagerCore,
    private readonly offset: number,
    private readonly count: number,
  ) {}

  readonly step = (): boolean => {
    const { pager, offset, count } = this;
    if (this.out === undefined) {
      const at = pager.locate(offset, count, ACCESS.READ);
      if (at < 0) return false;
      // In one run of frames: one copy, not a new array zeroed and then filled. (copyOut()'s
      // consumed() serves the synchronous pager's faults only: an asynchronous pager never sets `faulted`.)
      if (pager.runBytes === count) {
        this.out = pager.memory.heap.slice(at, at + count);
        return true;
      }
      this.out = new Uint8Array(count);
    }
    return (this.done = copyOut(pager, offset, this.out, this.done)) === count;
  };

  readonly result = (): Uint8Array => this.out!;
}
