/**
 * Sequential-stream detector: told which page runs a map faults in, it says how many
 * pages to fetch beyond each run. Pure (no I/O, no clock), so it is tested alone.
 *
 * Like sql.js-httpvfs' read heads it follows a few independent streams at once (a scan
 * of a table while an index is probed): a fault that continues a stream — it starts
 * after that stream's last fault and at most `gapPages` past what the stream fetched —
 * doubles that stream's window (1, 2, 4, … up to `maxPages`); any other fault starts a
 * new stream with no read-ahead, replacing the least recently used one. So random
 * access shrinks read-ahead back to nothing within `streams` faults.
 */
import { outOfRange } from '../../errors.js';

export type ReadAheadAdvice = 'normal' | 'random' | 'sequential';

export interface ReadAheadOptions {
  /** The largest read-ahead in pages (see `maxReadAheadPages`). */
  maxPages: number;
  /** Streams followed at once (default 3, sql.js-httpvfs' default `maxReadHeads`). */
  streams?: number;
  /** Pages a fault may skip past a stream's end and still continue it (default 1). */
  gapPages?: number;
  /** Pages in the map; read-ahead never goes past the last one (default: no limit). */
  pageCount?: number;
}

/** One stream: its last fault started at `start`; it has fetched up to `end` (exclusive). */
export interface ReadStream {
  start: number;
  end: number;
  /** The read-ahead its last fault was given, in pages. */
  window: number;
}

/** Bytes of read-ahead allowed by default: sql.js-httpvfs' `maxReadSpeed` is 5 MiB. */
export const DEFAULT_READ_AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * The read-ahead cap in pages for a map: `budgetBytes`, and never more than a quarter of
 * `maxResident`, so fetched-ahead pages cannot evict the pages in use.
 */
export function maxReadAheadPages(pageSize: number, maxResident: number, budgetBytes = DEFAULT_READ_AHEAD_BYTES): number {
  return Math.floor(Math.min(budgetBytes, maxResident / 4) / pageSize);
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw outOfRange(name, value, `an integer >= ${min}`);
  return value;
}

export class ReadAhead {
  readonly maxPages: number;
  readonly #capacity: number;
  readonly #gapPages: number;
  #pageCount: number;
  #advice: ReadAheadAdvice = 'normal';
  /** Most recently used first. */
  #streams: ReadStream[] = [];

  constructor(options: ReadAheadOptions) {
    this.maxPages = checkCount('maxPages', options.maxPages, 0);
    this.#capacity = checkCount('streams', options.streams ?? 3, 1);
    this.#gapPages = checkCount('gapPages', options.gapPages ?? 1, 0);
    this.#pageCount = checkCount('pageCount', options.pageCount ?? Number.MAX_SAFE_INTEGER, 0);
  }

  /** The pattern advise() set last. */
  get advice(): ReadAheadAdvice {
    return this.#advice;
  }

  /** Pages in the map; set it after a resize. */
  get pageCount(): number {
    return this.#pageCount;
  }

  set pageCount(value: number) {
    this.#pageCount = checkCount('pageCount', value, 0);
  }

  /** The streams followed now, most recently used first (copies, for diagnostics and tests). */
  get streams(): ReadStream[] {
    return this.#streams.map((stream) => ({ ...stream }));
  }

  /**
   * `'random'` turns read-ahead off; `'sequential'` gives every fault the largest window
   * at once; `'normal'` (the default) learns from the faults. Streams are forgotten.
   */
  advise(advice: ReadAheadAdvice): void {
    this.#advice = advice;
    this.reset();
  }

  /** Forgets every stream (after `advise('dontneed')`, a resize, …). */
  reset(): void {
    this.#streams = [];
  }

  /** The map faults pages [firstPage, firstPage + runPages); returns how many pages after them to fetch too. */
  next(firstPage: number, runPages: number): number {
    checkCount('firstPage', firstPage, 0);
    checkCount('runPages', runPages, 1);
    if (this.#advice === 'random') return 0;
    const runEnd = firstPage + runPages;
    const index = this.#streams.findIndex((s) => firstPage > s.start && firstPage <= s.end + this.#gapPages);
    let window: number;
    if (this.#advice === 'sequential') window = this.maxPages;
    else if (index === -1) window = 0;
    else window = Math.min(this.maxPages, Math.max(1, this.#streams[index]!.window * 2));
    const ahead = Math.max(0, Math.min(window, this.#pageCount - runEnd));
    const stream: ReadStream = { start: firstPage, end: runEnd + ahead, window };
    if (index !== -1) this.#streams.splice(index, 1);
    else if (this.#streams.length === this.#capacity) this.#streams.pop();
    this.#streams.unshift(stream);
    return ahead;
  }
}
