/**
 * The source reads an asynchronous pager has under way, each bringing a run of
 * pages into frames reserved (and marked loading) for them, and the buffers of
 * completed reads kept for the next ones.
 *
 * - A call that meets a loading page waits for the read already under way
 *   (loadOf()), so concurrent calls that need one page share one fetch.
 * - A read into the frames that hears of bytes as they land (ReadOptions.landed)
 *   makes its leading whole pages usable at once, and wakes the calls waiting for
 *   them: a sequential scan then follows the body instead of waiting for the
 *   whole window. Those pages are done with: no retry writes them again.
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
  /** Pages from `page` on already usable (landed before the read completed). */
  completed: number;
  /** Calls waiting for a page that has not landed yet. */
  wake: { page: number; resolve: () => void }[];
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
  /** A read whose pages all became usable early (landed()) settled: one read fewer under way. */
  settled(): void;
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
    const load: Load = { page, count, done: Promise.resolve(), controller: new AbortController(), waiters: 0, cancellable, cancelled: false,
      completed: 0, wake: [] };
    const land = (): void => {
      if (this.host.isReleased()) return;
      const heap = memory.heap;
      if (!readsIntoFrames) {
        heap.set(buffer, at);
        if (this.spare.length < SPARE_BUFFERS) this.spare.push(buffer.buffer as ArrayBuffer); // the source is done with it
      }
      heap.fill(0, at + buffer.length, at + count * pageSize);
      for (const [i, queued] of newer) heap.set(queued, at + i * pageSize);
      if (load.completed < count) this.host.complete(frame + load.completed, count - load.completed);
      else this.host.settled();
    };
    const fail = (): void => {
      if (!this.host.isReleased() && load.completed < count) memory.meta.abandon(frame + load.completed, count - load.completed);
    };
    // Early pages only where the bytes land in the frames as they are (no queued write-back goes over them).
    const landed = readsIntoFrames && newer.length === 0 ? (bytes: number) => this.landed(load, frame, Math.floor(bytes / pageSize)) : undefined;
    return this.track(load, this.read(buffer, position, load.controller.signal, landed), land, fail);
  }

  /** The first `pages` pages of `load` (its frames from `frame` on) hold their bytes: they become usable now. */
  private landed(load: Load, frame: number, pages: number): void {
    if (pages > load.count) pages = load.count;
    if (pages <= load.completed || this.host.isReleased() || !this.underWay.has(load)) return;
    this.host.complete(frame + load.completed, pages - load.completed);
    load.completed = pages;
    const ready = load.page + pages;
    if (load.wake.length === 0) return;
    const still = [];
    for (const waiting of load.wake) {
      if (waiting.page < ready) waiting.resolve();
      else still.push(waiting);
    }
    load.wake = still;
  }

  /** The read under way for `page` (not one whose bytes for it landed already: the page may have been evicted since). */
  loadOf(page: number): Load {
    for (const load of this.underWay) if (page >= load.page + load.completed && page < load.page + load.count) return load;
    throw new Error(`page ${page} is loading, but no read of it is under way`);
  }

  /**
   * Waits for `load` as a call (with its `signal`, if it has one): rejects with an
   * AbortError as soon as the signal aborts, and cancels the read once every call
   * that waited for it has aborted (a call without a signal never does).
   */
  wait(load: Load, signal: AbortSignal | undefined, page = load.page + load.count - 1): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted(signal.reason));
    load.waiters++;
    const ready = this.until(load, page);
    if (signal === undefined) return ready.finally(() => void load.waiters--);
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
      ready.then(resolve, reject).finally(() => {
        if (waiting) stop();
      });
    });
  }

  /** Settles once `page` of `load` is usable, or `load` has settled (rejecting if it failed). */
  private until(load: Load, page: number): Promise<void> {
    if (page < load.page + load.completed) return Promise.resolve();
    if (page >= load.page + load.count - 1) return load.done;
    return new Promise<void>((resolve, reject) => {
      load.wake.push({ page, resolve });
      load.done.then(resolve, reject);
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
  private async read(into: Uint8Array, position: number, signal: AbortSignal, landed?: (bytes: number) => void): Promise<void> {
    const fill = new SourceFill(into, position, Infinity, this.host.counters);
    while (fill.pending) {
      const from = fill.position - position;
      const options = landed === undefined ? { signal } : { signal, landed: (bytes: number) => landed(from + bytes) };
      fill.got(await this.host.source.read(fill.target, fill.position, options));
    }
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
