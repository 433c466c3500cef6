/**
 * The source reads an asynchronous pager has under way, each bringing a run of
 * pages into frames reserved (and marked loading) for them, and the buffers of
 * completed reads kept for the next ones.
 *
 * - A call that meets a loading page waits for the read already under way
 *   (loadOf()), so concurrent calls that need one page share one fetch.
 * - Bytes arrive in their own buffer and are copied into the frames once the
 *   read completes, and only if the pager is still alive: a read that outlives
 *   close() never writes into memory that another map may use by then. A
 *   source that stops writing once a read settles or it is closed may read
 *   into the frames themselves (readsIntoFrames): one copy fewer.
 * - Pages whose write-back is queued but not confirmed are newer than the
 *   source: their queued copy goes over what the source returns.
 * - A read knows how many calls wait for it (wait()); when every one of them
 *   has aborted its own signal, the read is cancelled (its source read gets an
 *   aborted signal). A read ahead that no call started is never cancelled so.
 *   A call that meets a cancelled read waits for it to settle and tries again.
 */
import { aborted } from '../../errors.js';
import type { AsyncPageSource } from '../../types.js';
import { onAbort } from '../../sources/signals.js';
import type { MapMemory } from './memory.js';
import { ignore, SourceFill, type TransferCounters } from './source-io.js';
import type { WriteBackQueue } from './write-back.js';

/** Read buffers kept for reuse (a sequential scan has up to three reads under way). */
const SPARE_BUFFERS = 3;

/** A source read under way: pages [page, page + count). */
export interface Load {
  page: number;
  count: number;
  done: Promise<void>;
  /** Aborted when every call that waited for the read has aborted. */
  readonly controller: AbortController;
  /** Calls waiting for it now. */
  waiters: number;
  /** False for read-ahead: no call's abort cancels it. */
  readonly cancellable: boolean;
  cancelled: boolean;
}

/** What reads need of their pager. */
export interface LoadHost {
  readonly source: AsyncPageSource;
  readonly memory: MapMemory;
  readonly pageSize: number;
  readonly counters: Pick<TransferCounters, 'requests' | 'reads' | 'bytesRead'>;
  readonly writeBacks: WriteBackQueue;
  readonly readsIntoFrames: boolean;
  /** The pager's last reference is gone: its memory may belong to another map now. */
  isReleased(): boolean;
  /** Pages of `count` frames from `frame` on hold their bytes: make them usable. */
  complete(frame: number, count: number): void;
  /** The source ended before the bytes it had when mapped: marks the map truncated; returns the error. */
  noticeTruncation(): Error;
}

/** The reads under way and the spare read buffers of one pager; see the file's comment. */
export class Loads {
  private readonly underWay = new Set<Load>();
  /** Buffers of completed reads, for later reads that fit in them. */
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly host: LoadHost) {}

  /** Reads under way. */
  get size(): number {
    return this.underWay.size;
  }

  /**
   * Reads `readable` bytes at `position` of the source for pages [page, page +
   * count), whose frames are reserved from `frame` on; the rest of the frames
   * is zeroed. Resolves once the pages are usable.
   */
  start(frame: number, page: number, count: number, position: number, readable: number, cancellable = true): Load {
    const { memory, pageSize, readsIntoFrames } = this.host;
    const at = memory.frameBase + frame * pageSize;
    const buffer = readsIntoFrames ? memory.heap.subarray(at, at + readable) : this.buffer(readable);
    const newer = this.host.writeBacks.newestOf(page, count);
    const land = (): void => {
      if (this.host.isReleased()) return;
      const heap = memory.heap;
      if (!readsIntoFrames) {
        heap.set(buffer, at);
        if (this.spare.length < SPARE_BUFFERS) this.spare.push(buffer.buffer as ArrayBuffer); // the source is done with it
      }
      heap.fill(0, at + buffer.length, at + count * pageSize);
      for (const [i, queued] of newer) heap.set(queued, at + i * pageSize);
      this.host.complete(frame, count);
    };
    const fail = (): void => {
      if (!this.host.isReleased()) memory.meta.abandon(frame, count);
    };
    const controller = new AbortController();
    return this.track({ page, count, done: Promise.resolve(), controller, waiters: 0, cancellable, cancelled: false },
      this.read(buffer, position, controller.signal), land, fail);
  }

  /** The read under way for `page`. */
  loadOf(page: number): Load {
    for (const load of this.underWay) if (page >= load.page && page < load.page + load.count) return load;
    throw new Error(`page ${page} is loading, but no read of it is under way`);
  }

  /**
   * Waits for `load` as a call (with its `signal`, if it has one): rejects with an
   * AbortError as soon as the signal aborts, and cancels the read once every call
   * that waited for it has aborted (a call without a signal never does).
   */
  wait(load: Load, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted(signal.reason));
    load.waiters++;
    if (signal === undefined) return load.done.finally(() => void load.waiters--);
    return new Promise<void>((resolve, reject) => {
      let waiting = true;
      const stop = () => {
        waiting = false;
        load.waiters--;
        unlink();
      };
      const unlink = onAbort(signal, () => {
        stop();
        if (load.waiters === 0 && load.cancellable && this.underWay.has(load)) {
          load.cancelled = true;
          load.controller.abort(signal.reason);
        }
        reject(aborted(signal.reason));
      });
      load.done.then(resolve, reject).finally(() => {
        if (waiting) stop();
      });
    });
  }

  /** Settles once any read under way has (successfully or not). */
  anySettled(): Promise<void> {
    return Promise.race([...this.underWay].map((load) => load.done.catch(ignore)));
  }

  /** Every read under way (a failed one rejects). */
  all(): Promise<void>[] {
    return [...this.underWay].map((load) => load.done);
  }

  /** `read` stops counting as under way once it settles; then `land` (after success) or `fail` (before the error passes on) runs. */
  private track(load: Load, read: Promise<void>, land: () => void, fail: () => void): Load {
    load.done = read.then(
      () => {
        this.underWay.delete(load);
        land();
      },
      (error: unknown) => {
        this.underWay.delete(load);
        fail();
        throw error;
      },
    );
    load.done.catch(ignore); // read-ahead nobody waits for must not be an unhandled rejection
    this.underWay.add(load);
    return load;
  }

  /**
   * Fills `into` from the source at `position`; a source may return fewer bytes than
   * asked per read, but `into` holds only bytes the source had when mapped.
   * @throws {MmapError} ERR_MMAP_TRUNCATED when the source ends before `into` is full
   */
  private async read(into: Uint8Array, position: number, signal: AbortSignal): Promise<void> {
    const fill = new SourceFill(into, position, Infinity, this.host.counters);
    while (fill.pending) fill.got(await this.host.source.read(fill.target, fill.position, { signal }));
    fill.finish();
    if (fill.short) throw this.host.noticeTruncation();
  }

  /** A buffer of its own for a read (see the file's comment): the smallest spare one that fits, or a new one. */
  private buffer(length: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const size = this.spare[i].byteLength;
      if (size >= length && (best < 0 || size < this.spare[best].byteLength)) best = i;
    }
    return new Uint8Array(best < 0 ? new ArrayBuffer(length) : this.spare.splice(best, 1)[0], 0, length);
  }
}
