/**
 * Pager: the synchronous pager host, over a PageSource. It resolves faults
 * before locate() returns (reading pages from the source straight into their
 * frames, a run of adjacent missing pages in one read) and writes dirty pages
 * back. The mechanism it shares with AsyncPager is PagerCore
 * (pager-core.ts); copy.ts and search.ts move bytes through it.
 * It outlives its map while a stream holds a lease.
 */
import { closed } from '../../errors.js';
import type { Advice, PageSource } from '../../types.js';
import { ACCESS, REG_COUNT, REG_FRAME, REG_PAGE, RUN_FIELDS, STATUS, type AccessCode } from './abi.js';
import { copyOut, touch, type DirectRead } from './copy.js';
import { MAX_FAULT_BYTES, PagerCore } from './pager-core.js';
import type { PagerOptions } from './pager-options.js';
import { SourceFill, SourceWrite } from './source-io.js';

/** One synchronous map's pager; see the file's comment. */
export class Pager extends PagerCore implements DirectRead {
  private pattern: Advice = 'normal';
  private faultEnd = -1;
  /** Calls into the source under way (they may re-enter close()). */
  private sourceCalls = 0;
  private releasePending = false;

  constructor(
    readonly source: PageSource,
    options: PagerOptions,
  ) {
    super(options);
  }

  // ─── faults ───

  protected miss(status: number, page: number, pages: number, access: AccessCode, offset: number, end: number): number {
    if (status === STATUS.LOADING) throw new Error('a synchronous map met a page still loading');
    const { maxCount, skipRead } = this.planFault(page, pages, access, offset, end);
    const count = this.reserve(page, maxCount);
    const frame = this.memory.regs[REG_FRAME];
    let filled: number;
    try {
      filled = this.readPages(frame, count, page, skipRead);
    } catch (error) {
      this.meta.abandon(frame, count);
      throw error;
    }
    this.completePages(frame, count, filled);
    this.faulted = this.pattern === 'sequential' || (this.pattern === 'normal' && page === this.faultEnd);
    this.faultEnd = page + count;
    return this.meta.span(page, pages, access);
  }

  /** Frames for up to `maxCount` missing pages from `page` on, writing dirty victims back first. */
  private reserve(page: number, maxCount: number): number {
    for (;;) {
      const count = this.meta.reserve(page, maxCount);
      if (count > 0) return count;
      if (count !== STATUS.WRITE_BACK) throw this.noFrame();
      const frame = this.memory.regs[REG_FRAME];
      const runCount = this.memory.regs[REG_COUNT];
      const whole = this.writeRun(frame, runCount, this.memory.regs[REG_PAGE], this.currentSize());
      this.meta.cleaned(frame, runCount);
      if (!whole) throw this.noticeTruncation();
    }
  }

  /** Reads pages into their frames (a write that covers them whole skips the read); returns the bytes in place. */
  private readPages(frame: number, count: number, page: number, skipRead: boolean): number {
    const at = this.memory.frameBase + frame * this.pageSize;
    const start = page * this.pageSize;
    const bytes = Math.min(count * this.pageSize, this.length - start);
    if (!skipRead) this.readSource(this.memory.heap.subarray(at, at + bytes), this.sourceOffset + start);
    return bytes;
  }

  /**
   * Fills `into` from the source at `position`, in as few requests as the source
   * allows; zeroes what lies past the source's end.
   * @throws {MmapError} ERR_MMAP_TRUNCATED when the source ended before the bytes it had when mapped
   */
  private readSource(into: Uint8Array, position: number): void {
    const fill = new SourceFill(into, position, this.sourceSize, this.counters);
    while (fill.pending) fill.got(this.callSource(() => this.source.read(fill.target, fill.position)));
    fill.finish();
    if (fill.short) throw this.noticeTruncation();
  }

  /** Whether a read at `offset` continues a sequential scan of a windowed map, at a page start. */
  scanning(offset: number): boolean {
    if (this.identity || this.pattern === 'random' || offset % this.pageSize !== 0) return false;
    return this.pattern === 'sequential' || offset / this.pageSize === this.faultEnd;
  }

  /**
   * During a sequential scan of a windowed map, reads the missing whole pages
   * that `target` (from index `from`) covers straight into it: they would be
   * recycled at once anyway, and this saves copying them out of frames. They
   * count as faults. Returns the bytes read, 0 if the first page is resident.
   */
  readDirect(offset: number, target: Uint8Array, from: number): number {
    const pageSize = this.pageSize;
    const page = offset / pageSize;
    const want = target.length - from;
    const covered = offset + want >= this.length ? Math.ceil((this.length - offset) / pageSize) : Math.floor(want / pageSize);
    const max = Math.min(covered, Math.max(1, MAX_FAULT_BYTES / pageSize));
    let count = 0;
    while (count < max && this.meta.peek(page + count) < 0) count++;
    if (count === 0) return 0;
    const bytes = Math.min(count * pageSize, this.length - offset);
    this.readSource(target.subarray(from, from + bytes), this.sourceOffset + offset);
    this.counters.faults += count;
    this.faultEnd = page + count;
    return bytes;
  }

  // ─── write-back ───

  /**
   * The source's size now, checked before a write-back (fstat for a file): a source
   * that shrank since the map was made must not be extended again by it.
   */
  private currentSize(): number {
    const size = this.callSource(() => this.source.size);
    return Number.isSafeInteger(size) && size >= 0 ? size : Infinity;
  }

  /**
   * Writes `count` frames from `frame` on, holding pages from `page` on, to the
   * source, clipped at the map's end, the source's size when mapped, and `size`,
   * its size now. Returns false when that last clip dropped bytes: the source
   * shrank, and what the map held past its new end has nowhere to go.
   */
  private writeRun(frame: number, count: number, page: number, size: number): boolean {
    const start = page * this.pageSize;
    const position = this.sourceOffset + start;
    const bytes = Math.max(0, Math.min(count * this.pageSize, this.length - start, this.sourceSize - position));
    const inside = Math.max(0, Math.min(bytes, size - position));
    const at = this.memory.frameBase + frame * this.pageSize;
    const write = new SourceWrite(this.memory.heap.subarray(at, at + inside), position, this.counters);
    while (write.pending) write.wrote(this.callSource(() => this.source.write!(write.target, write.position)));
    write.finish();
    return inside === bytes;
  }

  protected leaseCopy(offset: number, target: Uint8Array): number {
    copyOut(this, offset, target);
    return target.length;
  }

  /**
   * Writes the changed pages of [offset, offset + length) back (adjacent ones in
   * one request), clipped at the source's current size, then syncs the source.
   * @throws {MmapError} ERR_MMAP_TRUNCATED after the sync when the source no longer
   *   holds all of the range (as a native flush reports it)
   */
  flush(offset: number, length: number): void {
    const runs = this.meta.collectDirty(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
    const size = this.currentSize();
    const out = this.memory.out;
    let whole = size >= this.sourceOffset + offset + length;
    for (let i = 0; i < runs * RUN_FIELDS; i += RUN_FIELDS) {
      whole = this.writeRun(out[i], out[i + 1], out[i + 2], size) && whole;
      this.meta.cleaned(out[i], out[i + 1]);
    }
    this.callSource(() => this.source.sync?.());
    if (!whole) throw this.noticeTruncation();
  }

  // ─── the map as a whole ───

  /** Makes [offset, offset + length) resident, marked for `access`. */
  ensure(offset: number, length: number, access: AccessCode): void {
    touch(this, offset, length, access);
  }

  /** Changes the mapped length: changes reach the source first; then as PagerCore.resetForLength(). */
  resize(newLength: number): void {
    this.flush(0, this.length);
    void this.resetForLength(newLength, (end) => {
      this.callSource(() => this.source.truncate!(end));
    });
  }

  advise(advice: Advice, offset: number, length: number): void {
    if (advice === 'willneed') {
      // prefetch, but never more than half the frames of a windowed map
      this.ensure(offset, this.identity ? length : Math.min(length, (this.memory.frameCount >> 1) * this.pageSize), ACCESS.READ);
    } else if (advice === 'dontneed') {
      this.dropClean(offset, length);
    } else {
      this.pattern = advice;
    }
  }

  /**
   * Drops one reference; the last one closes the source (once) and pools the
   * instances. A map garbage-collected without close() never detached its views,
   * which may still alias the frames: then only the metadata instance is pooled.
   */
  unref(): void {
    if (--this.refs > 0) return;
    this.released = true;
    // closed from inside one of the source's own calls: the memory is still being used
    if (this.sourceCalls > 0) this.releasePending = true;
    else this.finishRelease();
  }

  private finishRelease(): void {
    try {
      this.source.close?.();
    } finally {
      this.memory.release(this.pageSize, this.abandoned);
    }
  }

  /**
   * Calls the user's source. It may close the map (re-entering close()): then its
   * frames go to the pool only once the call returned, never while this call still
   * copies into them, and the call the map was making throws ERR_MMAP_CLOSED.
   */
  private callSource<T>(call: () => T): T {
    this.sourceCalls++;
    let result: T;
    try {
      result = call();
    } catch (error) {
      // a source that closed its map may fail on the map's buffers, detached by close()
      throw this.released ? closed() : error;
    } finally {
      if (--this.sourceCalls === 0 && this.releasePending) {
        this.releasePending = false;
        this.finishRelease();
      }
    }
    if (this.released) throw closed();
    return result;
  }
}
