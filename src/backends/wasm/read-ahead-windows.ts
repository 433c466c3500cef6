/**
 * Asynchronous read-ahead for the asynchronous pager, as Linux's PG_readahead:
 * the first touch of the trigger page of a window read ahead, loaded or still
 * loading, starts the read of the next window without waiting for it. A window
 * read ahead is the trigger of the next, so a sequential reader keeps about two
 * windows under way and finds its pages loading or loaded instead of faulting
 * on each window. How large a window may be is the sequential-stream
 * detector's answer (read-ahead.ts), bounded by the frames free for it.
 */
import { MiB } from '../../args.js';
import { maxReadAheadPages, ReadAhead, type ReadAheadAdvice } from './read-ahead.js';

/**
 * The read-ahead cap (and the most one read brings in): larger than the
 * synchronous pager's 4 MiB, because each window costs a request round trip;
 * maxReadAheadPages() still keeps it within a quarter of maxResident.
 */
export const MAX_READ_AHEAD_BYTES = 16 * MiB;
/** Reads a sequential scan keeps under way at most. */
const READS_AHEAD = 3;

/** What the windows need of their pager. */
export interface ReadAheadHost {
  /** Source reads under way. */
  readonly readsUnderWay: number;
  /** Frames not pinned by a 'copy' map's changes (Infinity in identity mode). */
  unpinnedFrames(): number;
  /** The most pages one read brings in. */
  faultCap(): number;
  /** Whether `page` lies in the map and is neither resident nor loading. */
  isMissing(page: number): boolean;
  /**
   * Starts reading up to `want` pages from `page` on, if frames can be had
   * without waiting; never fails a call. Returns the pages whose read started
   * (0: none).
   */
  prefetch(page: number, want: number): number;
}

/** The trigger bookkeeping of one pager's read-ahead windows; see the file's comment. */
export class ReadAheadWindows {
  /** The page whose first touch starts the next window (−1: none), and that window's first page. */
  private trigger = -1;
  private next = 0;
  private readonly detector: ReadAhead;

  constructor(
    private readonly host: ReadAheadHost,
    pageSize: number,
    maxResident: number,
    pageCount: number,
  ) {
    this.detector = new ReadAhead({ maxPages: maxReadAheadPages(pageSize, maxResident, MAX_READ_AHEAD_BYTES), pageCount });
  }

  /** Pages to read ahead of a fault of `run` missing pages at `page`. */
  grant(page: number, run: number): number {
    return Math.min(this.detector.next(page, run), this.room());
  }

  /** A fault at `page` read ahead up to `next`: touching `trigger` starts the following window. */
  setTrigger(trigger: number, next: number): void {
    this.trigger = trigger;
    this.next = next;
  }

  isTrigger(page: number): boolean {
    return page === this.trigger;
  }

  /** A call reached pages [first, last]: if the trigger is among them, the next windows start. */
  touched(first: number, last: number): void {
    if (this.trigger >= first && this.trigger <= last) this.readAheadNow();
  }

  /** Starts up to two windows, while fewer than READS_AHEAD reads are under way; the first becomes the trigger. */
  readAheadNow(): void {
    this.trigger = -1;
    let first = -1;
    for (let windows = 0; windows < 2 && this.host.readsUnderWay < READS_AHEAD; windows++) {
      const page = this.next;
      if (!this.host.isMissing(page)) break;
      const want = Math.min(this.host.faultCap(), 1 + this.detector.next(page, 1), this.room());
      if (want <= 1) break;
      const count = this.host.prefetch(page, want);
      if (count === 0) break;
      if (first < 0) first = page;
      this.next = page + count;
    }
    if (first >= 0) this.trigger = first;
  }

  /** The detector's pattern, from advise(). */
  advise(advice: ReadAheadAdvice): void {
    this.detector.advise(advice);
  }

  /** The map now has `pageCount` pages: the detector starts over. */
  resized(pageCount: number): void {
    this.detector.pageCount = pageCount;
    this.detector.reset();
  }

  /** Pages read ahead take at most a quarter of the frames not pinned by a 'copy' map's changes. */
  private room(): number {
    const frames = this.host.unpinnedFrames();
    return frames === Infinity ? Infinity : frames >> 2;
  }
}
