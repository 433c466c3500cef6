/**
 * AsyncPager: the pager host over an AsyncPageSource (HTTP, Blob, a user's
 * source). It shares locate(), the frames and the kernels with the synchronous
 * Pager (PagerCore); what differs is how a missing page comes in:
 *
 * - Frames are reserved synchronously, inside locate(), and marked *loading*;
 *   the read is started there and locate() returns −1. The caller (drive())
 *   awaits that read between kernel runs and resumes where it stopped.
 * - A call that meets a loading page waits for the read already under way, so
 *   concurrent calls that need one page share one fetch.
 * - A fault asks for the whole run of adjacent missing pages the call needs,
 *   plus the read-ahead the sequential-stream detector (read-ahead.ts) grants,
 *   in one source read (one Range request).
 * - Bytes arrive in their own buffer and are copied into the frames once the
 *   read completes, and only if the pager is still alive: a read that outlives
 *   close() never writes into memory that another map may use by then.
 * - Dirty victims (a 'write' map over a user's source) are copied out and
 *   queued for writing, so reserving frames never waits; the queue writes in
 *   order, and a page faulted again before its write-back completed is read
 *   back from the queued copy.
 *
 * Eviction happens only in reserve(), so only while a Promise-returning call
 * runs; pages a call made resident stay resident until the next such call.
 */
import { MiB } from '../../args.js';
import { closed, noMemory, notLoaded } from '../../errors.js';
import { maxReadAheadPages, ReadAhead } from './read-ahead.js';
import type { Advice, AsyncPageSource, MapStats } from '../../types.js';
import { ACCESS, REG_COUNT, REG_FRAME, REG_PAGE, RUN_FIELDS, STATUS, type AccessCode } from './abi.js';
import { CallGate } from './call-gate.js';
import { copyOut, touch } from './copy.js';
import { PagerCore, type PagerOptions } from './pager-core.js';
import { WriteBackQueue } from './write-back.js';

/** A source read under way: pages [page, page + count) in frames from `frame` on. */
interface Load {
  page: number;
  count: number;
  done: Promise<void>;
}

/** Counters a built-in source keeps itself (HTTP counts requests sent, the probe included). */
interface CountingSource {
  readonly requests?: unknown;
  readonly bytesRead?: unknown;
}

const ignore = () => undefined;
/**
 * The read-ahead cap (and the most one read brings in): larger than the
 * synchronous pager's 4 MiB, because each window costs a request round trip;
 * maxReadAheadPages() still keeps it within a quarter of maxResident.
 */
const MAX_READ_AHEAD_BYTES = 16 * MiB;
/** Reads a sequential scan keeps under way at most. */
const READS_AHEAD = 3;
/** Read buffers kept for reuse (a sequential scan has up to READS_AHEAD reads under way). */
const SPARE_BUFFERS = 3;

/** One asynchronous map's pager; see the file's comment. */
export class AsyncPager extends PagerCore {
  /** The page whose first touch starts the next read-ahead window (−1: none), and that window's first page. */
  private trigger = -1;
  private triggerNext = 0;
  /** Set by drive() while a step runs: a miss starts a fault. Otherwise a miss is ERR_MMAP_NOT_LOADED. */
  private mayFault = false;
  /** What the last step that stopped must wait for. */
  private pending: Promise<void> | undefined;
  private readonly loads = new Set<Load>();
  /** Buffers of completed reads, for later reads that fit in them. */
  private readonly spare: ArrayBuffer[] = [];
  private readonly readAhead: ReadAhead;
  /** The last reference is gone: the memory may belong to another map now. */
  private released = false;
  private abandoned = false;
  /** Source reads made (the source's own count replaces it in stats() where it keeps one). */
  private sourceReads = 0;
  private readonly writeBacks: WriteBackQueue;
  /** Admits calls; a resize runs alone. */
  readonly gate = new CallGate();
  /** Resolves once the source is closed (after the last reference is dropped). */
  sourceClosed: Promise<void> | undefined;

  /**
   * @param readsIntoFrames the source stops writing into a read's buffer once the
   *   read has settled or the source is closed (the HTTP source aborts its requests),
   *   so reads may land in the frames themselves: one copy fewer.
   */
  constructor(
    readonly source: AsyncPageSource,
    options: PagerOptions,
    private readonly readsIntoFrames = false,
  ) {
    super(options);
    this.writeBacks = new WriteBackQueue(source, this.pageSize, this.sourceOffset, this.counters);
    this.readAhead = new ReadAhead({
      maxPages: maxReadAheadPages(this.pageSize, this.maxResident, MAX_READ_AHEAD_BYTES),
      pageCount: Math.ceil(this.length / this.pageSize),
    });
  }

  // ─── driving calls ───

  /**
   * Runs `step` until it reports that it is complete, awaiting the fault each
   * incomplete step started; `check` runs before every step, so after every
   * await (a closed map, a released lease), and throws to stop.
   */
  async drive(step: () => boolean, check: () => void): Promise<void> {
    for (;;) {
      check();
      this.mayFault = true;
      let complete: boolean;
      try {
        complete = step();
      } finally {
        this.mayFault = false;
      }
      if (complete) return;
      const pending = this.pending;
      if (pending === undefined) throw new Error('a step stopped without a fault to wait for');
      this.pending = undefined;
      await pending;
    }
  }

  /** Runs `body` alone: after the calls in progress and the reads under way, before any later call. */
  alone<T>(body: () => Promise<T>): Promise<T> {
    return this.gate.alone(() => Promise.allSettled([...this.loads].map((load) => load.done)), body);
  }

  // ─── faults ───

  protected miss(status: number, page: number, pages: number, access: AccessCode, offset: number, end: number): number {
    if (!this.mayFault) throw notLoaded(offset, end - offset);
    if (status === STATUS.LOADING) {
      this.pending = this.loadOf(page);
      if (page === this.trigger) this.readAheadNow(); // the window it waits for is under way: start the next one
      return 0;
    }
    const { maxCount, skipRead } = this.planFault(page, pages, access, offset, end);
    let want = maxCount;
    if (!skipRead) {
      let run = 1;
      while (run < maxCount && this.meta.peek(page + run) < 0) run++;
      want = Math.min(this.faultCap(), run + Math.min(this.readAhead.next(page, run), this.roomAhead()));
    }
    const count = this.reserve(page, want);
    if (count === 0) return 0;
    const frame = this.memory.regs[REG_FRAME];
    // Read-ahead granted: once the caller reaches it, fetch the next window in the background.
    if (!skipRead && count > pages) this.setTrigger(page + Math.min(pages, count - 1), page + count);
    if (skipRead) {
      // the caller overwrites these pages whole, in this same synchronous run
      this.completePages(frame, count, Math.min(count * this.pageSize, this.length - page * this.pageSize));
      return this.meta.span(page, pages, access);
    }
    this.pending = this.startLoad(frame, page, count);
    return 0;
  }

  /**
   * Asynchronous read-ahead (as Linux's PG_readahead): the first touch of page
   * `trigger` by a call, loaded or still loading, starts the read of the window
   * from `next` on without waiting for it. A window read ahead is the trigger of
   * the next, so a sequential reader keeps about two windows under way and finds
   * its pages loading or loaded instead of faulting on each window.
   */
  private setTrigger(trigger: number, next: number): void {
    this.trigger = trigger;
    this.triggerNext = next;
  }

  override locate(offset: number, want: number, access: AccessCode): number {
    const at = super.locate(offset, want, access);
    if (this.trigger >= 0 && at >= 0 && this.mayFault) {
      const first = Math.floor(offset / this.pageSize);
      if (this.trigger >= first && this.trigger <= Math.floor((offset + this.runBytes - 1) / this.pageSize)) this.readAheadNow();
    }
    return at;
  }

  private readAheadNow(): void {
    this.trigger = -1;
    let first = -1;
    // up to two windows at once, while fewer than READS_AHEAD reads are under way
    for (let windows = 0; windows < 2 && this.loads.size < READS_AHEAD; windows++) {
      const page = this.triggerNext;
      if (page * this.pageSize >= this.length || this.meta.peek(page) >= 0) break;
      const want = Math.min(this.faultCap(), 1 + this.readAhead.next(page, 1), this.roomAhead());
      if (want <= 1) break;
      const pending = this.pending; // a prefetch is nobody's to wait for, and never fails a call
      let count = 0;
      try {
        count = this.reserve(page, want);
      } catch {
        // every frame is pinned: no room to read ahead
      }
      this.pending = pending;
      if (count === 0) break;
      if (first < 0) first = page;
      this.triggerNext = page + count;
      void this.startLoad(this.memory.regs[REG_FRAME], page, count);
    }
    if (first >= 0) this.trigger = first;
  }

  /** Pages read ahead take at most a quarter of the frames not pinned by a 'copy' map's changes. */
  private roomAhead(): number {
    return this.identity ? Infinity : (this.memory.frameCount - this.meta.pinnedCount()) >> 2;
  }

  /** One read brings in at most MAX_READ_AHEAD_BYTES, and at most half the frames of a windowed map. */
  protected override faultCap(): number {
    return Math.max(1, Math.min(MAX_READ_AHEAD_BYTES / this.pageSize, this.identity ? Infinity : this.memory.frameCount >> 1));
  }

  /** Frames still loading are counted resident by the pager: every page is usable only once no read is under way. */
  protected override completePages(frame: number, count: number, filled: number): void {
    super.completePages(frame, count, filled);
    if (this.loads.size > 0) this.allResident = false;
  }

  /** The read under way for `page`. */
  private loadOf(page: number): Promise<void> {
    for (const load of this.loads) if (page >= load.page && page < load.page + load.count) return load.done;
    throw new Error(`page ${page} is loading, but no read of it is under way`);
  }

  /**
   * Frames for up to `maxCount` missing pages from `page` on, queueing dirty
   * victims for write-back. 0 when every frame is loading or pinned: then
   * `pending` is a read to wait for.
   */
  private reserve(page: number, maxCount: number): number {
    for (;;) {
      const count = this.meta.reserve(page, maxCount);
      if (count > 0) return count;
      if (count === STATUS.WRITE_BACK) {
        const regs = this.memory.regs;
        void this.queueWriteBack(regs[REG_FRAME], regs[REG_COUNT], regs[REG_PAGE]).catch(ignore);
        continue;
      }
      if (this.loads.size === 0) throw this.noFrame();
      this.pending = Promise.race([...this.loads].map((load) => load.done.catch(ignore)));
      return 0;
    }
  }

  /** Reads pages [page, page + count) into their reserved frames `frame…`. */
  private startLoad(frame: number, page: number, count: number): Promise<void> {
    const start = page * this.pageSize;
    const position = this.sourceOffset + start;
    const bytes = Math.min(count * this.pageSize, this.length - start);
    const readable = Math.max(0, Math.min(bytes, this.sourceSize - position));
    const at = this.memory.frameBase + frame * this.pageSize;
    const buffer = this.readsIntoFrames ? this.memory.heap.subarray(at, at + readable) : this.buffer(readable);
    // Pages written back but not yet confirmed are newer than the source: they go over what it returns.
    const newer: [number, Uint8Array][] = [];
    for (let i = 0; i < count; i++) {
      const queued = this.writeBacks.newest(page + i);
      if (queued) newer.push([i, queued]);
    }
    const load: Load = { page, count, done: Promise.resolve() };
    load.done = this.readSource(buffer, position).then(
      () => {
        this.loads.delete(load);
        if (this.released) return;
        const heap = this.memory.heap;
        if (!this.readsIntoFrames) {
          heap.set(buffer, at);
          if (this.spare.length < SPARE_BUFFERS) this.spare.push(buffer.buffer as ArrayBuffer); // the source is done with it
        }
        heap.fill(0, at + buffer.length, at + count * this.pageSize);
        for (const [i, queued] of newer) heap.set(queued, at + i * this.pageSize);
        this.completePages(frame, count, count * this.pageSize);
      },
      (error: unknown) => {
        this.loads.delete(load);
        if (!this.released) this.meta.abandon(frame, count);
        throw error;
      },
    );
    load.done.catch(ignore); // read-ahead nobody waits for must not be an unhandled rejection
    this.loads.add(load);
    return load.done;
  }

  /**
   * A buffer for a source read that may outlive the map (see readsIntoFrames):
   * then bodies arrive in their own buffer, never in the frames, so they cannot
   * land in memory another map uses by then. Buffers of completed reads are kept
   * for the next ones.
   */
  private buffer(length: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const size = this.spare[i].byteLength;
      if (size >= length && (best < 0 || size < this.spare[best].byteLength)) best = i;
    }
    return new Uint8Array(best < 0 ? new ArrayBuffer(length) : this.spare.splice(best, 1)[0], 0, length);
  }

  /** Fills `into` from the source at `position`; a source may return fewer bytes than asked. */
  private async readSource(into: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < into.length) {
      const got = await this.source.read(done === 0 ? into : into.subarray(done), position + done);
      this.counters.requests++;
      this.sourceReads++;
      if (!(got > 0)) break;
      done += got;
    }
    this.counters.bytesRead += done;
    if (done < into.length) into.fill(0, done);
  }

  // ─── write-back ───

  /** Copies a run of dirty frames out, marks them clean and queues the copy's write; resolves once written. */
  private queueWriteBack(frame: number, count: number, page: number): Promise<void> {
    const start = page * this.pageSize;
    const at = this.memory.frameBase + frame * this.pageSize;
    const length = Math.max(0, Math.min(count * this.pageSize, this.length - start, this.sourceSize - this.sourceOffset - start));
    const bytes = this.memory.heap.slice(at, at + count * this.pageSize);
    this.meta.cleaned(frame, count);
    return this.writeBacks.queue(page, bytes, length);
  }

  /**
   * Writes the changed pages of [offset, offset + length) back (adjacent ones in
   * one request), and any earlier write-back that failed; then syncs the source.
   */
  async flush(offset: number, length: number): Promise<void> {
    const runs = this.meta.collectDirty(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
    const out = this.memory.out;
    const writes = this.writeBacks.retryFailed();
    for (let i = 0; i < runs * RUN_FIELDS; i += RUN_FIELDS) writes.push(this.queueWriteBack(out[i], out[i + 1], out[i + 2]));
    await Promise.all(writes);
    await this.source.sync?.();
  }

  /** Every page dropped, the tables laid out for `newLength`, the source truncated; call through alone(), after flush(). */
  async resize(newLength: number): Promise<void> {
    this.meta.dropAll();
    this.allResident = false;
    const oldLength = this.length;
    try {
      this.layOut(newLength);
      await this.source.truncate!(this.sourceOffset + newLength);
    } catch (error) {
      if (!this.released) this.layOut(oldLength); // fits: it did before, and memory only grew
      throw error;
    } finally {
      if (!this.released) this.memory.detachViews();
    }
    this.length = newLength;
    this.sourceSize = this.sourceOffset + newLength;
    this.readAhead.pageCount = Math.ceil(newLength / this.pageSize);
    this.readAhead.reset();
  }

  // ─── hints, counters, leases ───

  /** Read-ahead policy, or dropping clean pages; 'willneed' is load() without waiting. */
  advise(advice: Advice, offset: number, length: number): void {
    if (advice === 'dontneed') {
      this.allResident = false;
      this.meta.dropClean(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
    } else if (advice !== 'willneed') {
      this.readAhead.advise(advice);
    }
  }

  /** Makes [offset, offset + length) resident; at most `maxPasses` times over when other calls evict its pages meanwhile. */
  async load(offset: number, length: number, check: () => void): Promise<void> {
    const pages = Math.ceil((offset + length) / this.pageSize) - Math.floor(offset / this.pageSize);
    if (!this.identity && pages > this.memory.frameCount - this.meta.pinnedCount()) {
      throw noMemory(`${length} bytes from ${offset} need ${pages} pages; this map holds ${this.memory.frameCount} at once`);
    }
    let done = 0;
    let passes = 0;
    await this.drive(() => {
      for (;;) {
        done = touch(this, offset, length, ACCESS.READ, done);
        if (done < length) return false;
        if (this.isResident(offset, length)) return true;
        if (++passes > 4) throw noMemory(`${length} bytes from ${offset} do not stay resident while other calls run`);
        done = 0;
      }
    }, check);
  }

  /** A built-in source's own counts stand for its reads: HTTP counts every request sent, the probe and retries included. */
  override stats(): MapStats {
    const stats = super.stats();
    const counting = this.source as CountingSource;
    if (typeof counting.requests === 'number') stats.requests += counting.requests - this.sourceReads;
    if (typeof counting.bytesRead === 'number') stats.bytesRead = counting.bytesRead;
    return stats;
  }

  protected async leaseCopy(offset: number, target: Uint8Array): Promise<number> {
    let done = 0;
    await this.gate.enter();
    try {
      await this.drive(() => (done = copyOut(this, offset, target, done)) === target.length, () => {
        if (this.released) throw closed();
      });
    } finally {
      this.gate.leave();
    }
    return target.length;
  }

  /**
   * Drops one reference; the last one gives the instances back at once (reads
   * still under way are dropped when they complete) and closes the source once
   * the queued writes are done.
   */
  unref(): void {
    if (--this.refs > 0) return;
    this.released = true;
    const reads = [...this.loads].map((load) => load.done.catch(ignore));
    if (!this.readsIntoFrames || reads.length === 0) this.memory.release(this.pageSize, this.abandoned);
    this.sourceClosed = this.writeBacks.settled.then(async () => {
      await this.source.close?.();
    });
    this.sourceClosed.catch(ignore); // reported by the map's close(); a stream's last release has nobody to tell
    // Reads into the frames stop once the source is closed; only then may the memory go to another map.
    if (this.readsIntoFrames && reads.length > 0) {
      void Promise.allSettled([this.sourceClosed, ...reads]).then(() => this.memory.release(this.pageSize, this.abandoned));
    }
  }

  /** The map was garbage-collected without close(): its views may still alias the frames. */
  abandonMap(): void {
    this.abandoned = true;
    this.unref();
  }
}
