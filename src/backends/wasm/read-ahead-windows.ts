/**
 * Asynchronous read-ahead for the asynchronous pager, as Linux's PG_readahead:
 * the first touch of the trigger page of a window read ahead, loaded or still
 * loading, starts the read of another window without waiting for it. Each
 * window read ahead is a trigger, so a sequential reader keeps a window under
 * way ahead of the one it copies: it finds its pages loading or loaded instead
 * of faulting on each window, and (pages being usable as they land, see
 * loads.ts) the source always has a read to answer. How large a window may be is the sequential-stream
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
/**
 * Windows read ahead that the reader has not reached yet, at most. One is enough to keep
 * the source busy (measured: two scanned no faster), and a reader that stops (a
 * readInto() scan, which cannot say where it ends) leaves less read ahead for nothing.
 */
const WINDOWS_AHEAD = 1;

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
  /** First pages of the windows read ahead that no call has reached yet, ascending: each is a trigger. */
  private triggers: number[] = [];
  /** The first page after the last window read ahead. */
  private next = 0;
  private readonly detector: ReadAhead;
  /** The page the reader stops before (a stream's end), while its call runs: nothing is read ahead from there on. */
  limit = Infinity;
  /** Whether the call running is a stream's read (see streaming()). */
  private stream = false;

  constructor(
    private readonly host: ReadAheadHost,
    private readonly pageSize: number,
    maxResident: number,
    pageCount: number,
  ) {
    this.detector = new ReadAhead({ maxPages: maxReadAheadPages(pageSize, maxResident, MAX_READ_AHEAD_BYTES), pageCount });
  }

  /**
   * `step` of a stream's read that ends at byte `end`: while it runs, `limit` is there, and
   * every window is the largest (unless advised 'random'): a stream reads on to its end, so
   * its first windows need not grow from one page, a request round trip each.
   */
  streaming(end: number, step: () => boolean): () => boolean {
    const limit = Math.ceil(end / this.pageSize);
    return () => {
      this.limit = limit;
      this.stream = true;
      try {
        return step();
      } finally {
        this.limit = Infinity;
        this.stream = false;
      }
    };
  }

  /** The detector's window for a fault of `run` pages at `page`, the largest for a stream's read. */
  private window(page: number, run: number): number {
    const granted = this.detector.next(page, run);
    return this.stream && this.detector.advice !== 'random' ? Math.max(granted, this.detector.maxPages) : granted;
  }

  /** Pages to read ahead of a fault of `run` missing pages at `page`. */
  grant(page: number, run: number): number {
    return Math.max(0, Math.min(this.window(page, run), this.room(), this.limit - page - run));
  }

  /** A fault at `page` read ahead up to `next`: touching `trigger` starts the following windows. */
  setTrigger(trigger: number, next: number): void {
    this.triggers = [trigger];
    this.next = next;
  }

  isTrigger(page: number): boolean {
    return this.triggers.includes(page);
  }

  /** A call reached pages [first, last]: if a trigger is among them, more windows start. */
  touched(first: number, last: number): void {
    const triggers = this.triggers;
    for (let i = 0; i < triggers.length && triggers[i] <= last; i++) {
      if (triggers[i] >= first) return this.reached(last);
    }
  }

  /**
   * A call reached `page`, a trigger: the triggers up to it are spent, and windows start until
   * WINDOWS_AHEAD of them wait ahead of the reader (while fewer than READS_AHEAD reads are under
   * way): the reader copies what landed of one window while the source sends the next.
   */
  reached(page: number): void {
    this.triggers = this.triggers.filter((trigger) => trigger > page);
    while (this.triggers.length < WINDOWS_AHEAD && this.host.readsUnderWay < READS_AHEAD) {
      const at = this.next;
      if (!this.host.isMissing(at)) break;
      const want = Math.min(this.host.faultCap(), 1 + this.window(at, 1), this.room(), this.limit - at);
      if (want <= 1) break;
      const count = this.host.prefetch(at, want);
      if (count === 0) break;
      this.triggers.push(at);
      this.next = at + count;
    }
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
