/**
 * Pure rules for HTTP Range responses (RFC 9110): Content-Range parsing, validators and
 * the preconditions built from them, Retry-After, and which failures are worth retrying.
 * No I/O here, so every rule is testable without a server.
 */

/** A parsed `Content-Range`: `bytes start-end/total`, or `bytes *\/total` (unsatisfied). */
export interface ContentRange {
  /** First byte sent; undefined for `bytes *\/total`. */
  start?: number;
  /** Last byte sent, inclusive; undefined for `bytes *\/total`. */
  end?: number;
  /** Complete length of the object; undefined when the server wrote `*`. */
  total?: number;
}

const DIGITS = /^\d{1,16}$/;

function safeInteger(text: string): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Parses RFC 9110 §14.4 `Content-Range`; undefined when absent or malformed. */
export function parseContentRange(value: string | null): ContentRange | undefined {
  const match = /^\s*bytes\s+(\*|(\d+)-(\d+))\/(\*|\d+)\s*$/i.exec(value ?? '');
  if (!match) return undefined;
  const total = match[4] === '*' ? undefined : safeInteger(match[4]!);
  if (match[4] !== '*' && total === undefined) return undefined;
  if (match[1] === '*') return total === undefined ? undefined : { total };
  const start = safeInteger(match[2]!);
  const end = safeInteger(match[3]!);
  if (start === undefined || end === undefined || end < start) return undefined;
  if (total !== undefined && end >= total) return undefined;
  return { start, end, total };
}

/** What identifies one version of a remote object (RFC 9110 §8.8). */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export function readValidators(headers: Headers): Validators {
  const validators: Validators = {};
  const etag = headers.get('etag');
  const lastModified = headers.get('last-modified');
  if (etag !== null && etag !== '') validators.etag = etag.trim();
  if (lastModified !== null && lastModified !== '') validators.lastModified = lastModified.trim();
  return validators;
}

/** A weak ETag (`W/"…"`) never matches `If-Match`, which compares strongly (RFC 9110 §13.1.1). */
export function isStrongEtag(etag: string | undefined): etag is string {
  return etag !== undefined && !etag.startsWith('W/');
}

/**
 * The precondition each range request carries: `If-Match` with a strong ETag, else
 * `If-Unmodified-Since` with the Last-Modified date; either makes a changed object
 * answer 412 instead of bytes of another version. (`If-Range` is no use: on a mismatch
 * it answers 200 with the whole object.)
 */
export function preconditionHeaders(validators: Validators): [string, string][] {
  if (isStrongEtag(validators.etag)) return [['If-Match', validators.etag]];
  if (validators.lastModified !== undefined) return [['If-Unmodified-Since', validators.lastModified]];
  return [];
}

/**
 * Compares a response's validators with those learnt at open; returns what differs, or
 * undefined. A validator the response leaves out cannot be compared and is skipped.
 */
export function validatorChange(learnt: Validators, response: Validators): string | undefined {
  if (learnt.etag !== undefined && response.etag !== undefined && learnt.etag !== response.etag) {
    return `ETag ${learnt.etag} became ${response.etag}`;
  }
  if (learnt.lastModified !== undefined && response.lastModified !== undefined && learnt.lastModified !== response.lastModified) {
    return `Last-Modified ${learnt.lastModified} became ${response.lastModified}`;
  }
  return undefined;
}

/** A `Content-Encoding` other than identity: the bytes are not the object's bytes. */
export function contentEncoding(headers: Headers): string | undefined {
  const value = headers.get('content-encoding')?.trim().toLowerCase();
  return value === undefined || value === '' || value === 'identity' ? undefined : value;
}

/** Statuses worth another try (RFC 9110 §15.5.9, §15.6; RFC 6585 §4): timeouts, throttling, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** RFC 9110 §10.2.3 `Retry-After` in ms: delay-seconds or an HTTP date; undefined if absent or unusable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  const seconds = safeInteger(text);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
