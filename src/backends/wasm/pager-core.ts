/**
 * PagerCore: the host half of the wasm pager that the synchronous and the
 * asynchronous maps share. The metadata instance decides which frame holds
 * which page; this class finds pages (locate), marks them for an access, and
 * plans faults. How a missing page is brought in is the subclass's business:
 * Pager (pager.ts) reads it from a PageSource before locate() returns;
 * AsyncPager (async-pager.ts) starts an asynchronous read and locate()
 * returns −1, so the caller stops, awaits the read between wasm calls, and
 * resumes where it stopped (copy.ts and search.ts walk their ranges
 * that way).
 */
import { MiB } from '../../args.js';
import { closed, noMemory, truncated, type MmapError } from '../../errors.js';
import type { Lease } from '../../map/stream.js';
import type { MapStats } from '../../types.js';
import { ACCESS, FLAGS, REG_FRAME, type AccessCode, type KernelExports, type PagerExports } from './abi.js';
import { MapMemory } from './memory.js';
import type { PagerOptions } from './pager-options.js';

/** A fault reads at most this much at once. */
export const MAX_FAULT_BYTES = 4 * MiB;

/** How a fault of a page run is to be served (see PagerCore.planFault()). */
export interface FaultPlan {
  /** Pages to give frames to at most. */
  maxCount: number;
  /** A write covers them whole: their old bytes need not be read. */
  skipRead: boolean;
}

/** The shared half of a map's pager; see the file's comment. */
export abstract class PagerCore {
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
  protected allResident = false;
  readonly meta: PagerExports;
  readonly data: KernelExports;
  protected sourceSize: number;
  /** What a change marks: WRITE (dirty), or COPY (pinned) on a 'copy' map. */
  readonly writeAccess: AccessCode;
  /** `reads` counts source reads alone, for a source that counts its own requests. */
  protected readonly counters = { faults: 0, bytesRead: 0, bytesWritten: 0, requests: 0, reads: 0 };
  private readonly evictionBase: number;
  /** The map plus each stream lease; at 0 the source is closed and the instances pooled. */
  protected refs = 1;
  /** The last reference is gone: the memory may belong to another map now. */
  protected released = false;
  /** The map was garbage-collected without close(): its views may still alias the frames. */
  protected abandoned = false;
  /**
   * Word 0 becomes 1 once the pager noticed that the source shrank: a page-in
   * that got fewer bytes than the source had when the map was made, or a
   * write-back that found the source shorter. The map aliases this word.
   */
  readonly truncation = new Int32Array(1);

  /**
   * @param maxFaultBytes the most one fault reads at once: a pager whose reads
   *   each cost a round trip reads more at once
   */
  constructor(
    options: PagerOptions,
    private readonly maxFaultBytes = MAX_FAULT_BYTES,
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
  protected layOut(length: number): void {
    this.memory.layOut(length <= this.maxResident, this.framesFor(length), this.pageSize, this.maxResident / this.pageSize);
  }

  // ─── finding pages ───

  /**
   * Makes the page holding `offset` resident (with as many of the following
   * pages of the `want` bytes as sit in consecutive frames), marks them for
   * `access`, and returns the address of `offset` in `heap`; `runBytes` says how
   * many of the `want` bytes follow it there. A write access promises to
   * overwrite all `want` bytes, so pages it covers whole are not read.
   * Returns −1 where the page cannot be had now (an asynchronous pager has
   * started bringing it in; see the file's comment).
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
      count = this.miss(count, page, pages, access, offset, offset + want);
      if (count <= 0) return -1;
    }
    const available = count * pageSize - inPage;
    this.runBytes = available < want ? available : want;
    return this.memory.frameBase + this.memory.regs[REG_FRAME] * pageSize + inPage;
  }

  /**
   * locate()'s first case alone, small enough for V8 to inline into a caller's loop: the
   * address of `offset` where every page is resident in identity mode, else −1.
   */
  residentAddress(offset: number): number {
    return this.allResident ? this.memory.frameBase + offset : -1;
  }

  /**
   * `page` is missing (`status` 0) or still loading (STATUS.LOADING): bring in
   * what locate() asked for, [offset, end) on pages [page, page + pages), and
   * return span()'s count for it, or 0 when the caller must wait.
   */
  protected abstract miss(status: number, page: number, pages: number, access: AccessCode, offset: number, end: number): number;

  /** How many pages a fault at `page` may bring in, and whether a write makes reading them needless. */
  protected planFault(page: number, pages: number, access: AccessCode, offset: number, end: number): FaultPlan {
    const pageSize = this.pageSize;
    const start = page * pageSize;
    // pages a write covers whole (the map's partial last page counts when the write reaches the end)
    const writing = access !== ACCESS.READ && access !== ACCESS.EXPOSE;
    const whole = Math.floor((end - start) / pageSize) + (end === this.length && end % pageSize !== 0 ? 1 : 0);
    const skipRead = writing && offset === start && whole > 0;
    return { maxCount: Math.min(skipRead ? whole : pages, this.faultCap()), skipRead };
  }

  /** The most pages one fault brings in: maxFaultBytes, and at most half the frames of a windowed map. */
  faultCap(): number {
    return Math.max(1, Math.min(this.maxFaultBytes / this.pageSize, this.identity ? Infinity : this.memory.frameCount >> 1));
  }

  /** The first `filled` bytes of the run are in place: zeroes the rest and makes the pages usable. */
  protected completePages(frame: number, count: number, filled: number): void {
    const at = this.memory.frameBase + frame * this.pageSize;
    if (filled < count * this.pageSize) this.memory.heap.fill(0, at + filled, at + count * this.pageSize);
    this.meta.complete(frame, count);
    this.counters.faults += count;
    this.updateAllResident();
  }

  /** Whether every page is usable (identity mode only), for locate()'s first case. */
  protected updateAllResident(): void {
    this.allResident = this.identity && this.meta.residentCount() === this.memory.frameCount;
  }

  /** Marks the map truncated; returns the error to throw. */
  noticeTruncation(): MmapError {
    this.truncation[0] = 1;
    return truncated();
  }

  /** A fault: 'copy' maps that pinned every frame cannot bring in another page. */
  protected noFrame(): Error {
    return noMemory(`every frame of the ${this.maxResident}-byte budget is pinned by changes of this 'copy' map`);
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

  /** Whether every page of [offset, offset + length) is resident and not loading (changes nothing). */
  isResident(offset: number, length: number): boolean {
    if (this.allResident) return true;
    const last = Math.ceil((offset + length) / this.pageSize);
    for (let page = Math.floor(offset / this.pageSize); page < last; page++) {
      const frame = this.meta.peek(page);
      if (frame < 0 || (this.meta.frameFlags(frame) & FLAGS.LOADING) !== 0) return false;
    }
    return true;
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

  /** The `size` bytes of scratch that stage a typed access straddling frames that are not adjacent. */
  staging(size: number): Uint8Array {
    return this.memory.heap.subarray(this.stagingPointer, this.stagingPointer + size);
  }

  get stagingPointer(): number {
    return this.memory.dataInstance.layout.typedPointer;
  }

  // ─── the map as a whole ───

  /**
   * resize() once changes are written back: `truncate` sets the source's end first, so a
   * failure there changes nothing (the tables, the pages and the views stay as they were);
   * then every page is dropped, the tables are laid out for `newLength` and views are
   * detached. Should the new layout not fit in memory, the old one is restored (it fits:
   * it did before, and memory only grew) and the source is cut back to its old end.
   */
  protected resetForLength(newLength: number, truncate: (end: number) => void | Promise<void>): void | Promise<void> {
    const oldLength = this.length;
    const oldEnd = this.sourceOffset + oldLength;
    const relayOut = (): void | Promise<void> => {
      if (this.released) return; // closed while the source was truncated: nothing to lay out
      this.meta.dropAll();
      this.allResident = false;
      try {
        this.layOut(newLength);
      } catch (error) {
        this.layOut(oldLength);
        this.memory.detachViews();
        const restore = (): never => {
          throw error;
        };
        try {
          const restored = truncate(oldEnd);
          if (restored instanceof Promise) return restored.then(restore, restore);
        } catch {
          // the source keeps its new end; the map reports the layout's failure
        }
        restore();
      }
      this.memory.detachViews();
      this.length = newLength;
      this.sourceSize = this.sourceOffset + newLength;
    };
    const truncated = truncate(this.sourceOffset + newLength);
    if (truncated instanceof Promise) return truncated.then(relayOut);
    return relayOut();
  }

  /** advise('dontneed'): clean pages of [offset, offset + length) are dropped; changed ones stay until written back. */
  dropClean(offset: number, length: number): void {
    this.allResident = false;
    this.meta.dropClean(Math.floor(offset / this.pageSize), Math.ceil((offset + length) / this.pageSize));
  }

  residentBytes(): number {
    let bytes = this.meta.residentCount() * this.pageSize;
    const tail = this.length % this.pageSize;
    if (tail !== 0 && this.meta.peek(Math.floor(this.length / this.pageSize)) >= 0) bytes -= this.pageSize - tail;
    return Math.min(bytes, this.length);
  }

  stats(): MapStats {
    const { faults, bytesRead, bytesWritten, requests } = this.counters;
    return { faults, evictions: this.meta.evictionCount() - this.evictionBase, bytesRead, bytesWritten, requests, cacheHits: 0 };
  }

  /** A reader that keeps the source and the frames alive until released. */
  lease(): Lease {
    this.refs++;
    let released = false;
    const lease: Lease = {
      copyOut: (offset, target, end) => {
        if (released) throw closed();
        const count = Math.max(0, Math.min(target.length, this.length - offset));
        if (count === 0) return 0;
        return this.leaseCopy(offset, count === target.length ? target : target.subarray(0, count), end);
      },
      release: () => {
        if (released) return;
        released = true;
        this.unref();
      },
    };
    // Without a chunk read of its own, a stream allocates and fills through copyOut() (stream.ts).
    if (this.leaseRead !== undefined) {
      lease.readOut = (offset, length, end) => {
        if (released) throw closed();
        const count = Math.max(0, Math.min(length, this.length - offset));
        return count === 0 ? new Uint8Array(0) : this.leaseRead!(offset, count, end);
      };
    }
    return lease;
  }

  /** Copies [offset, offset + target.length), inside the map, for a lease reading up to `end`; returns target.length. */
  protected abstract leaseCopy(offset: number, target: Uint8Array, end?: number): number | Promise<number>;

  /** The `count` bytes at `offset`, inside the map, as a new array, for a lease reading up to `end` (where the pager has a faster way than copyOut()). */
  protected leaseRead?(offset: number, count: number, end?: number): Uint8Array | Promise<Uint8Array>;

  /** Drops one reference (the map's or a lease's); the last one closes the source. */
  abstract unref(): void;

  /** The map was garbage-collected without close(): its reference goes, and its frames stay with its views. */
  abandonMap(): void {
    this.abandoned = true;
    this.unref();
  }
}
