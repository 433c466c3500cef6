/**
 * What the fault server (fault-server.ts) does with one request: the query string's
 * fault, when it strikes, the validators sent, and the seeded random fault mix.
 * Pure functions and one small per-URL state record; no I/O.
 */
import { rng } from './random.js';

export const LAST_MODIFIED = 'Wed, 21 Oct 2026 07:28:00 GMT';
/** The Last-Modified of the object after `mode=modified` changed it. */
export const LAST_MODIFIED_LATER = 'Thu, 22 Oct 2026 09:00:00 GMT';

export interface Plan {
  mode: string;
  faulty: boolean;
  delay: number;
  query: URLSearchParams;
}

export function plan(url: URL, index: number): Plan {
  const query = url.searchParams;
  const from = Number(query.get('from') ?? 1);
  const times = Number(query.get('times') ?? Infinity);
  const faulty = index >= from && index < from + times;
  return { mode: query.get('mode') ?? 'ok', faulty, delay: Number(query.get('delay') ?? 0), query };
}

/** ETag and Last-Modified as the query asks; `changed` is the object after `mode=modified`. */
export function validators(query: URLSearchParams, etagValue = '"v1"', changed = false): Record<string, string> {
  const headers: Record<string, string> = {};
  const etag = query.get('etag') ?? 'strong';
  if (etag === 'strong') headers.ETag = etagValue;
  if (etag === 'weak') headers.ETag = `W/${etagValue}`;
  if (query.get('lastModified') !== 'none') headers['Last-Modified'] = changed ? LAST_MODIFIED_LATER : LAST_MODIFIED;
  return headers;
}

/** Parses `bytes=a-b` (or `bytes=a-`), clipped to `size`; undefined if unsatisfiable or absent. */
export function requestedRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Math.min(size - 1, match[2] === '' ? size - 1 : Number(match[2]));
  return start <= end ? { start, end } : undefined;
}

/**
 * The seeded random fault mix of one URL (`mode=mix`): each request it applies to draws
 * a reset (`resetRate`: half the body, then the connection is reset) or a 503 with
 * `Retry-After: 0` (`errorRate`), until `maxFaults` faults were served. With
 * `maxFaultsPerRange`, a range whose last byte already failed that many times in a row
 * is answered correctly: a client retries a range from its first missing byte, so the
 * last byte names the read, and the mix never exceeds the retries a client is allowed.
 */
export class FaultMix {
  private readonly next: (n: number) => number;
  private readonly resetRate: number;
  private readonly errorRate: number;
  private readonly maxFaults: number;
  private readonly maxPerRange: number;
  private readonly streaks = new Map<string, number>();
  faults = 0;
  resets = 0;
  errors = 0;

  constructor(query: URLSearchParams) {
    this.next = rng(Number(query.get('seed') ?? 1));
    this.resetRate = Number(query.get('resetRate') ?? 0);
    this.errorRate = Number(query.get('errorRate') ?? 0);
    this.maxFaults = Number(query.get('maxFaults') ?? Infinity);
    this.maxPerRange = Number(query.get('maxFaultsPerRange') ?? Infinity);
  }

  /** 'reset', 'error' or 'ok' for a request for `range` (its Range header). */
  draw(range: string | undefined): 'reset' | 'error' | 'ok' {
    const roll = this.next(1_000_000) / 1_000_000;
    const last = /-(\d*)$/.exec(range ?? '')?.[1] ?? '';
    const streak = this.streaks.get(last) ?? 0;
    let fault: 'reset' | 'error' | 'ok' = roll < this.resetRate ? 'reset' : roll < this.resetRate + this.errorRate ? 'error' : 'ok';
    if (this.faults >= this.maxFaults || streak >= this.maxPerRange) fault = 'ok';
    if (fault === 'ok') {
      this.streaks.delete(last);
      return fault;
    }
    this.streaks.set(last, streak + 1);
    this.faults++;
    if (fault === 'reset') this.resets++;
    else this.errors++;
    return fault;
  }
}
