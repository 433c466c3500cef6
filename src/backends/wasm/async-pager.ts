/**
 * AsyncPager: the pager host over an AsyncPageSource (HTTP, Blob, a user's
 * source). It shares locate(), the frames and the kernels with the synchronous
 * Pager (PagerCore); what differs is how a missing page comes in:
 *
 * - Frames are reserved synchronously, inside locate(), and marked *loading*;
 *   the read is started there (loads.ts) and locate() returns −1. The caller
 *   (drive()) awaits that read between kernel runs and resumes where it stopped.
 * - A fault asks for the whole run of adjacent missing pages the call needs,
 *   plus the read-ahead the sequential-stream detector grants, in one source
 *   read (one Range request); later windows are read in the background
 *   (read-ahead-windows.ts).
 * - Dirty victims (a 'write' map over a user's source) are copied out and
 *   queued for writing, so reserving frames never waits; the queue writes in
 *   order, and a page faulted again before its write-back completed is read
 *   back from the queued copy.
 *
 * Eviction happens only in reserve(), so only while a Promise-returning call
 * runs; pages a call made resident stay resident until the next such call.
 */
import { closed, noMemory, notLoaded } from '../../errors.js';
import type { Advice, AsyncPageSource, MapStats } from '../../types.js';
import { ACCESS, REG_COUNT, REG_FRAME, REG_PAGE, RUN_FIELDS, STATUS, type AccessCode } from './abi.js';
import { CallGate } from './call-gate.js';
import { copyOut, touch } from './copy.js';
import { Loads, type Load } from './loads.js';
import { PagerCore } from './pager-core.js';
import type { PagerOptions } from './pager-options.js';
import { MAX_READ_AHEAD_BYTES, ReadAheadWindows, type ReadAheadHost } from './read-ahead-windows.js';
import { ignore } from './source-io.js';
import { WriteBackQueue } from './write-back.js';
import { ChunkRead, runLease } from './lease-run.js';

/** One asynchronous map's pager; see the file's comment. */
export class AsyncPager extends PagerCore implements ReadAheadHost {
  /** Set by drive() while a step runs: a miss starts a fault. Otherwise a miss is ERR_MMAP_NOT_LOADED. */
  private mayFault = false;
  /** What the last step that stopped must wait for: a read under way, or any read settling (for a frame). */
  private pending: Load | Promise<void> | undefined;
  /** The page the last step that stopped needs of `pending` (a read): its wait ends once that page landed. */
  private pendingPage = 0;
  private readonly loads: Loads;
  private readonly windows: ReadAheadWindows;
  private readonly writeBacks: WriteBackQueue;
  /** Admits calls; a resize runs alone. */
  readonly gate = new CallGate();
  /** Resolves once the source is closed (after the last reference is dropped). */
  sourceClosed: Promise<void> | undefined;

  /** @param readsIntoFrames the source never writes into a read's buffer once the read settled or it is closed (see loads.ts) */
  constructor(
    readonly source: AsyncPageSource,
    options: PagerOptions,
    private readonly readsIntoFrames = false,
  ) {
    super(options, MAX_READ_AHEAD_BYTES);
    this.writeBacks = new WriteBackQueue(source, this.pageSize, this.sourceOffset, this.counters);
    const { memory, pageSize, counters, writeBacks } = this;
    this.loads = new Loads({
      source,
      memory,
      pageSize,
      counters,
      writeBacks,
      readsIntoFrames,
      isReleased: () => this.released,
      complete: (frame, count) => this.completePages(frame, count, count * pageSize),
      settled: () => this.updateAllResident(),
      noticeTruncation: () => this.noticeTruncation(),
    });
    this.windows = new ReadAheadWindows(this, this.pageSize, this.maxResident, Math.ceil(this.length / this.pageSize));
  }

  // ─── driving calls ───

  /**
   * Runs `step` until it reports that it is complete, awaiting the fault each
   * incomplete step started; `check` runs before every step, so after every
   * await (a closed map, a released lease), and throws to stop. With `signal`,
   * the call stops waiting as soon as it aborts (the read goes on while other
   * calls wait for it); a read that other calls' aborts cancelled is waited
   * out and the step tried again.
   */
  async drive(step: () => boolean, check: () => void, signal?: AbortSignal, stepped = false): Promise<void> {
    for (;;) {
      if (!stepped) {
        check();
        if (this.runStep(step)) return;
      }
      stepped = false;
      const pending = this.pending;
      if (pending === undefined) throw new Error('a step stopped without a fault to wait for');
      this.pending = undefined;
      if (pending instanceof Promise) {
        await pending;
        continue;
      }
      try {
        await this.loads.wait(pending, signal, this.pendingPage);
      } catch (error) {
        if (!pending.cancelled || signal?.aborted) throw error;
      }
    }
  }

  /** One step of a call, allowed to fault: true once the call is complete, else `pending` is what to wait for. */
  runStep(step: () => boolean): boolean {
    this.mayFault = true;
    try {
      return step();
    } finally {
      this.mayFault = false;
    }
  }

  /** Runs `body` alone: after the calls in progress and the reads under way, before any later call. */
  alone<T>(body: () => Promise<T>): Promise<T> {
    return this.gate.alone(() => Promise.allSettled(this.loads.all()), body);
  }

  // ─── faults ───

  protected miss(status: number, page: number, pages: number, access: AccessCode, offset: number, end: number): number {
    if (!this.mayFault) throw notLoaded(offset, end - offset);
    this.pendingPage = page;
    if (status === STATUS.LOADING) {
      this.pending = this.loads.loadOf(page);
      if (this.windows.isTrigger(page)) this.windows.reached(page); // the window it waits for is under way: start the next ones
      return 0;
    }
    const { maxCount, skipRead } = this.planFault(page, pages, access, offset, end);
    let want = maxCount;
    if (!skipRead) {
      let run = 1;
      while (run < maxCount && this.meta.peek(page + run) < 0) run++;
      want = Math.min(this.faultCap(), run + this.windows.grant(page, run));
    }
    const count = this.reserve(page, want);
    if (count === 0) return 0;
    const frame = this.memory.regs[REG_FRAME];
    // Read-ahead granted: once the caller reaches it, fetch the next window in the background.
    if (!skipRead && count > pages) this.windows.setTrigger(page + Math.min(pages, count - 1), page + count);
    if (skipRead) {
      // the caller overwrites these pages whole, in this same synchronous run
      this.completePages(frame, count, Math.min(count * this.pageSize, this.length - page * this.pageSize));
      return this.meta.span(page, pages, access);
    }
    this.pending = this.startLoad(frame, page, count);
    return 0;
  }

  override locate(offset: number, want: number, access: AccessCode): number {
    // Read-ahead first: the frames it takes may evict pages or write dirty runs back, and must
    // not be the ones this locate() hands out (a write would land in a frame being read into,
    // or after its page's write-back copied it, and be lost).
    if (this.mayFault) this.windows.touched(Math.floor(offset / this.pageSize), Math.floor((offset + want - 1) / this.pageSize));
    return super.locate(offset, want, access);
  }

  // ─── what the read-ahead windows need (ReadAheadHost) ───

  get readsUnderWay(): number {
    return this.loads.size;
  }

  unpinnedFrames(): number {
    return this.identity ? Infinity : this.memory.frameCount - this.meta.pinnedCount();
  }

  isMissing(page: number): boolean {
    return page * this.pageSize < this.length && this.meta.peek(page) < 0;
  }

  /** Starts a read ahead of `want` pages from `page`: nobody waits for it, and it never fails a call. */
  prefetch(page: number, want: number): number {
    const pending = this.pending;
    let count = 0;
    try {
      count = this.reserve(page, want);
    } catch {
      // every frame is pinned: no room to read ahead
    }
    this.pending = pending;
    if (count > 0) this.startLoad(this.memory.regs[REG_FRAME], page, count, false);
    return count;
  }

  /** Frames still loading are counted resident by the pager: every page is usable only once no read is under way. */
  protected override updateAllResident(): void {
    super.updateAllResident();
    if (this.loads.size > 0) this.allResident = false;
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
      this.pending = this.loads.anySettled();
      return 0;
    }
  }

  /**
   * Reads pages [page, page + count) into their reserved frames `frame…` (clipped at the
   * map's and the source's end); a read ahead (not `cancellable`) outlives aborted calls.
   */
  private startLoad(frame: number, page: number, count: number, cancellable = true): Load {
    const start = page * this.pageSize;
    const position = this.sourceOffset + start;
    const readable = Math.max(0, Math.min(count * this.pageSize, this.length - start, this.sourceSize - position));
    return this.loads.start(frame, page, count, position, readable, cancellable);
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
   * It waits for every write-back queued before it, evicted pages' included (they
   * are no longer dirty here, but their bytes are not in the source yet), and one of
   * those that failed is tried once more before flush() reports it: so a resolved
   * flush means every change is in the source, and resize() (which flushes first)
   * never has a write land past the size it sets.
   */
  async flush(offset: number, length: number): Promise<void> {
    const runs = this.meta.collectDirty(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
    const out = this.memory.out;
    const writes = this.writeBacks.retryFailed();
    for (let i = 0; i < runs * RUN_FIELDS; i += RUN_FIELDS) writes.push(this.queueWriteBack(out[i], out[i + 1], out[i + 2]));
    await Promise.all(writes);
    await this.writeBacks.settled;
    await Promise.all(this.writeBacks.retryFailed());
    await this.source.sync?.();
  }

  /** Every page dropped, the tables laid out for `newLength`, the source truncated; call through alone(), after flush(). */
  async resize(newLength: number): Promise<void> {
    await this.resetForLength(newLength, async (end) => await this.source.truncate!(end));
    this.windows.resized(Math.ceil(newLength / this.pageSize));
  }

  // ─── hints, counters, leases ───

  /** Read-ahead policy, or dropping clean pages; 'willneed' is load() without waiting. */
  advise(advice: Advice, offset: number, length: number): void {
    if (advice === 'dontneed') {
      this.dropClean(offset, length);
    } else if (advice !== 'willneed') {
      this.windows.advise(advice);
    }
  }

  /** Makes [offset, offset + length) resident; tries at most five times when other calls evict its pages meanwhile. */
  async load(offset: number, length: number, check: () => void, signal?: AbortSignal): Promise<void> {
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
    }, check, signal);
  }

  /**
   * A source's own counts stand for its reads: HTTP counts every request sent, the probe
   * and retries included; the planner counts merged reads once; the cache counts its hits.
   */
  override stats(): MapStats {
    const stats = super.stats();
    const counting = this.source as { readonly requests?: unknown; readonly bytesRead?: unknown; readonly cacheHits?: unknown };
    if (typeof counting.requests === 'number') stats.requests += counting.requests - this.counters.reads;
    if (typeof counting.bytesRead === 'number') stats.bytesRead = counting.bytesRead;
    if (typeof counting.cacheHits === 'number') stats.cacheHits = counting.cacheHits;
    return stats;
  }

  /** A stream's chunk into `target` (see lease-run.ts); read-ahead stops at `end`. */
  protected leaseCopy(offset: number, target: Uint8Array, end = Infinity): number | Promise<number> {
    let done = 0;
    const step = () => (done = copyOut(this, offset, target, done)) === target.length;
    return runLease(this, this.windows.streaming(end, step), this.leaseCheck, () => target.length);
  }

  /** A stream's chunk as a new array (see lease-run.ts); read-ahead stops at `end`. */
  protected override leaseRead(offset: number, count: number, end = Infinity): Uint8Array | Promise<Uint8Array> {
    const read = new ChunkRead(this, offset, count);
    return runLease(this, this.windows.streaming(end, read.step), this.leaseCheck, read.result);
  }

  private readonly leaseCheck = (): void => {
    if (this.released) throw closed();
  };

  /**
   * Drops one reference; the last one gives the instances back at once (reads
   * still under way are dropped when they complete) and closes the source once
   * the queued writes are done.
   */
  unref(): void {
    if (--this.refs > 0) return;
    this.released = true;
    const reads = this.loads.all().map((read) => read.catch(ignore));
    if (!this.readsIntoFrames || reads.length === 0) this.memory.release(this.pageSize, this.abandoned);
    this.sourceClosed = this.writeBacks.settled.then(async () => await this.source.close?.());
    this.sourceClosed.catch(ignore); // reported by the map's close(); a stream's last release has nobody to tell
    // Reads into the frames stop once the source is closed; only then may the memory go to another map.
    if (this.readsIntoFrames && reads.length > 0) {
      void Promise.allSettled([this.sourceClosed, ...reads]).then(() => this.memory.release(this.pageSize, this.abandoned));
    }
  }
}
