/**
 * Pager: the host half of the wasm pager. The metadata instance decides which
 * frame holds which page; this class resolves faults between wasm calls (reading
 * pages from the source straight into their frames, a run of adjacent missing
 * pages in one read) and writes dirty pages back. wasm-copy.ts and
 * wasm-search.ts move bytes through it. It outlives its map while a stream
 * holds a lease.
 */
import { MiB } from '../args.js';
import { closed, noMemory, sourceFailed } from '../errors.js';
import type { Lease } from '../stream.js';
import type { Access, Advice, MapStats, PageSource } from '../types.js';
import { ACCESS, REG_COUNT, REG_FRAME, REG_PAGE, RUN_FIELDS, STATUS, type AccessCode, type KernelExports, type PagerExports } from './wasm-abi.js';
import { copyOut } from './wasm-copy.js';
import { MapMemory } from './wasm-memory.js';

/** A fault reads at most this much at once. */
const MAX_FAULT_BYTES = 4 * MiB;

/** What a Pager maps: validated options and the range of the source. */
export interface PagerOptions {
  access: Access;
  pageSize: number;
  maxResident: number;
  /** Where the map starts in the source, and its length. */
  offset: number;
  length: number;
  /** Bytes of the source (after any grow). */
  sourceSize: number;
}

/** One map's pager; see the file's comment. */
export class Pager {
  readonly pageSize: number;
  readonly maxResident: number;
  readonly sourceOffset: number;
  length: number;
  /** The map's two instances; `memory.heap` holds the frames. */
  readonly memory: MapMemory;
  /** Bytes usable at the address the last locate() returned. */
  runBytes = 0;
  /** Whether the last locate() faulted pages in on a sequential pattern (see consumed()). */
  faulted = false;
  /**
   * Identity mode with every page resident: reads need no wasm call (nothing is
   * evicted in identity mode, and CLOCK's reference bits are unused there).
   * Cleared by whatever drops pages: advise('dontneed') and resize().
   */
  private allResident = false;
  readonly meta: PagerExports;
  readonly data: KernelExports;
  private sourceSize: number;
  /** What a change marks: WRITE (dirty), or COPY (pinned) on a 'copy' map. */
  readonly writeAccess: AccessCode;
  private pattern: Advice = 'normal';
  private faultEnd = -1;
  private readonly counters = { faults: 0, bytesRead: 0, bytesWritten: 0, requests: 0 };
  private readonly evictionBase: number;
  /** The map plus each stream lease; at 0 the source is closed and the instances pooled. */
  private refs = 1;
  private abandoned = false;

  constructor(
    readonly source: PageSource,
    options: PagerOptions,
  ) {
    this.pageSize = options.pageSize;
    this.maxResident = options.maxResident;
    this.sourceOffset = options.offset;
    this.length = options.length;
    this.sourceSize = options.sourceSize;
    this.writeAccess = options.access === 'copy' ? ACCESS.COPY : ACCESS.WRITE;
    this.memory = new MapMemory(this.framesFor(options.length), this.pageSize);
    this.meta = this.memory.meta;
    this.data = this.memory.data;
    this.evictionBase = this.meta.evictionCount();
    try {
      this.layOut(options.length);
    } catch (error) {
      this.memory.releaseUnused();
      throw error;
    }
  }

  /** Frame i holds page i, so views stay valid; else a windowed pool with eviction. */
  get identity(): boolean {
    return this.memory.identity;
  }

  private framesFor(length: number): number {
    return length <= this.maxResident ? Math.ceil(length / this.pageSize) : this.maxResident / this.pageSize;
  }

  /** Lays both instances out for a map of `length` bytes; nothing changes if memory runs out. */
  private layOut(length: number): void {
    this.memory.layOut(length <= this.maxResident, this.framesFor(length), this.pageSize, this.maxResident / this.pageSize);
  }

  // ─── faults ───

  /**
   * Makes the page holding `offset` resident (with as many of the following
   * pages of the `want` bytes as sit in consecutive frames), marks them for
   * `access`, and returns the address of `offset` in `heap`; `runBytes` says how
   * many of the `want` bytes follow it there. A write access promises to
   * overwrite all `want` bytes, so pages it covers whole are not read.
   */
  locate(offset: number, want: number, access: AccessCode): number {
    if (this.allResident && access === ACCESS.READ) {
      this.faulted = false;
      this.runBytes = want;
      return this.memory.frameBase + offset;
    }
    const pageSize = this.pageSize;
    const page = Math.floor(offset / pageSize);
    const inPage = offset - page * pageSize;
    const pages = Math.ceil((inPage + want) / pageSize);
    let count = this.meta.span(page, pages, access);
    this.faulted = false;
    if (count <= 0) {
      if (count === STATUS.LOADING) throw new Error('a synchronous map met a page still loading');
      count = this.fault(page, pages, access, offset, offset + want);
    }
    const available = count * pageSize - inPage;
    this.runBytes = available < want ? available : want;
    return this.memory.frameBase + this.memory.regs[REG_FRAME] * pageSize + inPage;
  }

  private fault(page: number, pages: number, access: AccessCode, offset: number, end: number): number {
    const pageSize = this.pageSize;
    const start = page * pageSize;
    const cap = Math.max(1, Math.min(MAX_FAULT_BYTES / pageSize, this.identity ? Infinity : this.memory.frameCount >> 1));
    // pages a write covers whole (the map's partial last page counts when the write reaches the end)
    const writing = access !== ACCESS.READ && access !== ACCESS.EXPOSE;
    const whole = Math.floor((end - start) / pageSize) + (end === this.length && end % pageSize !== 0 ? 1 : 0);
    const skipRead = writing && offset === start && whole > 0;
    const count = this.reserve(page, Math.min(skipRead ? whole : pages, cap));
    const frame = this.memory.regs[REG_FRAME];
    try {
      this.readPages(frame, count, page, skipRead);
    } catch (error) {
      this.meta.abandon(frame, count);
      throw error;
    }
    this.meta.complete(frame, count);
    this.counters.faults += count;
    this.allResident = this.identity && this.meta.residentCount() === this.memory.frameCount;
    this.faulted = this.pattern === 'sequential' || (this.pattern === 'normal' && page === this.faultEnd);
    this.faultEnd = page + count;
    return this.meta.span(page, pages, access);
  }

  /** Frames for up to `maxCount` missing pages from `page` on, writing dirty victims back first. */
  private reserve(page: number, maxCount: number): number {
    for (;;) {
      const count = this.meta.reserve(page, maxCount);
      if (count > 0) return count;
      if (count !== STATUS.WRITE_BACK) {
        throw noMemory(`every frame of the ${this.maxResident}-byte budget is pinned by changes of this 'copy' map`);
      }
      const frame = this.memory.regs[REG_FRAME];
      const runCount = this.memory.regs[REG_COUNT];
      this.writeRun(frame, runCount, this.memory.regs[REG_PAGE]);
      this.meta.cleaned(frame, runCount);
    }
  }

  /** Reads pages into their frames; a write that covers them whole skips the read. Bytes past the map's end are zero. */
  private readPages(frame: number, count: number, page: number, skipRead: boolean): void {
    const at = this.memory.frameBase + frame * this.pageSize;
    const start = page * this.pageSize;
    const bytes = Math.min(count * this.pageSize, this.length - start);
    if (!skipRead) this.readSource(this.memory.heap.subarray(at, at + bytes), this.sourceOffset + start);
    if (bytes < count * this.pageSize) this.memory.heap.fill(0, at + bytes, at + count * this.pageSize);
  }

  /** Fills `into` from the source at `position`, in as few requests as the source allows; zeroes what it does not have. */
  private readSource(into: Uint8Array, position: number): void {
    const readable = Math.max(0, Math.min(into.length, this.sourceSize - position));
    let done = 0;
    while (done < readable) {
      const got = this.source.read(done === 0 && readable === into.length ? into : into.subarray(done, readable), position + done);
      this.counters.requests++;
      if (!(got > 0)) break;
      done += got;
    }
    this.counters.bytesRead += done;
    if (done < into.length) into.fill(0, done);
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

  /**
   * The caller consumed [offset, offset + length) of the run the last locate()
   * faulted in during a sequential scan: the pages read whole are offered for
   * reuse first, so a scan recycles a few cache-warm frames instead of evicting
   * the whole working set ("use once"; random access never triggers it).
   */
  consumed(offset: number, length: number): void {
    if (!this.faulted || this.identity) return;
    const pageSize = this.pageSize;
    const end = offset + length;
    const first = Math.ceil(offset / pageSize);
    const last = end === this.length ? Math.ceil(end / pageSize) : Math.floor(end / pageSize);
    if (last > first) this.meta.recycle(this.memory.regs[REG_FRAME] + first - Math.floor(offset / pageSize), last - first);
  }

  // ─── write-back ───

  /** Writes `count` frames from `frame` on, holding pages from `page` on, to the source (clipped at the map's and the source's end). */
  private writeRun(frame: number, count: number, page: number): void {
    const start = page * this.pageSize;
    const position = this.sourceOffset + start;
    const bytes = Math.max(0, Math.min(count * this.pageSize, this.length - start, this.sourceSize - position));
    const at = this.memory.frameBase + frame * this.pageSize;
    let done = 0;
    while (done < bytes) {
      const wrote = this.source.write!(this.memory.heap.subarray(at + done, at + bytes), position + done);
      this.counters.requests++;
      if (!(wrote > 0)) throw sourceFailed(`the page source wrote nothing at position ${position + done}`, {});
      done += wrote;
    }
    this.counters.bytesWritten += bytes;
  }

  /** Writes the changed pages of [offset, offset + length) back (adjacent ones in one request), then syncs the source. */
  flush(offset: number, length: number): void {
    const runs = this.meta.collectDirty(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
    const out = this.memory.out;
    for (let i = 0; i < runs * RUN_FIELDS; i += RUN_FIELDS) {
      this.writeRun(out[i], out[i + 1], out[i + 2]);
      this.meta.cleaned(out[i], out[i + 1]);
    }
    this.source.sync?.();
  }

  // ─── changes and views ───

  /** Refuses a change of a 'copy' map that would pin all but two frames, before any byte changes. */
  checkPins(offset: number, length: number): void {
    if (this.writeAccess !== ACCESS.COPY || length === 0) return;
    const first = Math.floor(offset / this.pageSize);
    const count = Math.ceil((offset + length) / this.pageSize) - first;
    if (this.meta.pinCheck(first, count) < 0) {
      throw noMemory(
        `a 'copy' map keeps its changed pages resident; this change would leave fewer than two unpinned frames of the ${this.maxResident}-byte budget`,
      );
    }
  }

  /** Makes [offset, offset + length) resident, marked for `access`. */
  ensure(offset: number, length: number, access: AccessCode): void {
    for (let done = 0; done < length; done += this.runBytes) this.locate(offset + done, length - done, access);
  }

  /** The `size` bytes of scratch that stage a typed access straddling frames that are not adjacent. */
  staging(size: number): Uint8Array {
    const at = this.memory.dataInstance.layout.typedPointer;
    return this.memory.heap.subarray(at, at + size);
  }

  get stagingPointer(): number {
    return this.memory.dataInstance.layout.typedPointer;
  }

  // ─── the map as a whole ───

  /**
   * Changes the mapped length: changes reach the source, every page is dropped,
   * the tables are laid out for the new length (identity or windowed), and views
   * are detached; then the source is truncated to the map's new end.
   */
  resize(newLength: number): void {
    this.flush(0, this.length);
    this.meta.dropAll();
    this.allResident = false;
    const oldLength = this.length;
    try {
      this.layOut(newLength);
      this.source.truncate!(this.sourceOffset + newLength);
    } catch (error) {
      this.layOut(oldLength); // fits: it did before, and memory only grew
      throw error;
    } finally {
      this.memory.detachViews();
    }
    this.length = newLength;
    this.sourceSize = this.sourceOffset + newLength;
  }

  advise(advice: Advice, offset: number, length: number): void {
    if (advice === 'willneed') {
      // prefetch, but never more than half the frames of a windowed map
      this.ensure(offset, this.identity ? length : Math.min(length, (this.memory.frameCount >> 1) * this.pageSize), ACCESS.READ);
    } else if (advice === 'dontneed') {
      this.allResident = false;
      this.meta.dropClean(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
    } else {
      this.pattern = advice;
    }
  }

  residentBytes(): number {
    let bytes = this.meta.residentCount() * this.pageSize;
    const tail = this.length % this.pageSize;
    if (tail !== 0 && this.meta.peek(Math.floor(this.length / this.pageSize)) >= 0) bytes -= this.pageSize - tail;
    return Math.min(bytes, this.length);
  }

  stats(): MapStats {
    const { faults, bytesRead, bytesWritten, requests } = this.counters;
    return { faults, evictions: this.meta.evictionCount() - this.evictionBase, bytesRead, bytesWritten, requests };
  }

  /** A reader that keeps the source and the frames alive until released. */
  lease(): Lease {
    this.refs++;
    let released = false;
    return {
      copyOut: (offset, target) => {
        if (released) throw closed();
        const count = Math.max(0, Math.min(target.length, this.length - offset));
        if (count > 0) copyOut(this, offset, count === target.length ? target : target.subarray(0, count));
        return count;
      },
      release: () => {
        if (released) return;
        released = true;
        this.unref();
      },
    };
  }

  /**
   * Drops one reference; the last one closes the source (once) and pools the
   * instances. A map garbage-collected without close() never detached its views,
   * which may still alias the frames: then only the metadata instance is pooled.
   */
  unref(): void {
    if (--this.refs > 0) return;
    try {
      this.source.close?.();
    } finally {
      this.memory.release(this.pageSize, this.abandoned);
    }
  }

  /** The map was garbage-collected without close(). */
  abandonMap(): void {
    this.abandoned = true;
    this.unref();
  }
}
