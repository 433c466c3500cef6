/**
 * Pure rules for HTTP Range responses (RFC 9110): Content-Range parsing, validators and
 * the preconditions built from them, Retry-After, which failures are worth retrying, and
 * the verdict on each response (checkProbe(), checkRange()). No I/O here, so every rule
 * is testable without a server.
 */
import { sourceChanged, sourceFailed, sourceUnsupported } from '../../errors.js';
import type { Failure } from './retry.js';

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
  if (learnt.etag !== undefined && learnt.etag !== response.etag) {
    return response.etag === undefined ? `its ETag ${learnt.etag} is gone` : `ETag ${learnt.etag} became ${response.etag}`;
  }
  if (learnt.lastModified !== undefined && learnt.lastModified !== response.lastModified) {
    return response.lastModified === undefined ? `its Last-Modified ${learnt.lastModified} is gone`
      : `Last-Modified ${learnt.lastModified} became ${response.lastModified}`;
  }
  return undefined;
}

/**
 * An answer from another origin than the probe's (a redirect elsewhere) is the object's
 * only if it shows the validators the object had; an object without any cannot be told
 * apart from another one there.
 * @throws {MmapError} ERR_MMAP_SOURCE_FAILED
 */
export function checkOtherOrigin(response: ResponseHead, asked: RangeAsked, from: string): void {
  const { etag, lastModified } = asked.validators;
  if (etag === undefined && lastModified === undefined) {
    throw sourceFailed(`${asked.url} was answered from another origin (${new URL(from).origin}), and the object has no ETag or Last-Modified to tell it is the same`,
      { status: response.status, url: asked.url });
  }
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

/** A response as these rules read it: its status and headers (a Response is one). */
export interface ResponseHead {
  readonly status: number;
  readonly headers: Headers;
}

/** What the opening probe learnt, and how many body bytes it brings. */
export interface Probed {
  size: number;
  validators: Validators;
  expected: number;
}

/**
 * The verdict on the answer to the opening probe (`Range: bytes=0-…`): what it learnt,
 * or a failure worth retrying; final errors are thrown.
 * @throws {MmapError} ERR_MMAP_SOURCE_UNSUPPORTED ('no-length', 'no-range', 'content-encoding'), ERR_MMAP_SOURCE_FAILED
 */
export function checkProbe(response: ResponseHead, url: string): Probed | Failure {
  const { status, headers } = response;
  const range = parseContentRange(headers.get('content-range'));
  // An empty object has no satisfiable range: 416 with `bytes */0` (RFC 9110 §15.5.17). A range
  // from byte 0 is unsatisfiable only when there is no byte, so a 416 without Content-Range
  // (some S3-compatible servers) is an empty object too. Its Content-Length is that of an
  // error document (S3 sends XML), never object bytes.
  if (status === 416 && (range?.total === 0 || headers.get('content-range') === null)) {
    return { size: 0, validators: readValidators(headers), expected: 0 };
  }
  if (status < 200 || status >= 300) return statusFailure(response, url);
  refuseEncoding(headers, url);
  if (status === 206) {
    if (range?.total === undefined || range.start === undefined) {
      throw sourceUnsupported('no-length', `${url} gave no complete length in Content-Range`, url);
    }
    if (range.start !== 0) return { message: `Content-Range ${range.start}-${range.end} does not start at 0`, status };
    return probed(response, range.total, range.end! + 1);
  }
  // Servers that skip ranges on empty files (nginx) answer 200 with Content-Length 0.
  if (status === 200 && headers.get('content-length') === '0') return probed(response, 0, 0);
  throw sourceUnsupported('no-range', `${url} ignored the Range header (status ${status})`, url);
}

function probed(response: ResponseHead, size: number, expected: number): Probed | Failure {
  return lengthMismatch(response, expected) ?? { size, validators: readValidators(response.headers), expected };
}

/** A range request's bytes, and what open learnt that every answer must agree with. */
export interface RangeAsked {
  url: string;
  size: number;
  validators: Validators;
  /** First and last byte asked for, inclusive. */
  first: number;
  last: number;
}

/**
 * The verdict on the answer to a range request: the body bytes to expect, or a failure
 * worth retrying; a changed object and other final errors are thrown.
 * @throws {MmapError} ERR_MMAP_SOURCE_CHANGED, ERR_MMAP_SOURCE_UNSUPPORTED ('content-encoding'), ERR_MMAP_SOURCE_FAILED
 */
export function checkRange(response: ResponseHead, asked: RangeAsked): number | Failure {
  const { status, headers } = response;
  const { url, size, validators, first, last } = asked;
  const range = parseContentRange(headers.get('content-range'));
  if (status === 412 && preconditionHeaders(validators).length > 0) throw sourceChanged(url, '412 Precondition Failed');
  // Another complete length is another object, whatever the validators say (416 included).
  const resized = range?.total !== undefined && range.total !== size;
  if (resized && (status === 416 || (status >= 200 && status < 300))) throw sourceChanged(url, `its length ${size} became ${range.total}`);
  if (status < 200 || status >= 300) return statusFailure(response, url);
  refuseEncoding(headers, url);
  const change = validatorChange(validators, readValidators(headers));
  if (change !== undefined) throw sourceChanged(url, change);
  if (status !== 206) return { message: `status ${status} to a range request`, status };
  // A server may send less than asked (the rest is requested next), never elsewhere or more.
  if (range?.start !== first || range.end! > last) {
    return { message: `Content-Range ${headers.get('content-range')} for bytes ${first}-${last}`, status };
  }
  const expected = range.end! - range.start + 1;
  return lengthMismatch(response, expected) ?? expected;
}

/** A Content-Length that disagrees with the bytes the range promises is a failure (retried). */
function lengthMismatch(response: ResponseHead, expected: number): Failure | undefined {
  const length = response.headers.get('content-length');
  if (length === null || Number(length) === expected) return undefined;
  return { message: `Content-Length ${length} for ${expected} bytes`, status: response.status };
}

/** A status that is not success: retryable ones come back as failures, others fail at once. */
function statusFailure(response: ResponseHead, url: string): Failure {
  const status = response.status;
  if (!isRetryableStatus(status)) throw sourceFailed(`GET ${url} answered ${status}`, { status, url });
  return { message: `status ${status}`, status, retryAfter: retryAfterMs(response.headers.get('retry-after')) };
}

function refuseEncoding(headers: Headers, url: string): void {
  const encoding = contentEncoding(headers);
  if (encoding !== undefined) throw sourceUnsupported('content-encoding', `${url} is served with Content-Encoding: ${encoding}`, url);
}
