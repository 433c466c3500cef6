/**
 * An HTTP(S) object read with Range requests, as an AsyncPageSource (docs/remote.md).
 *
 * Uses only fetch, Request, Headers, AbortController and streams, so it runs unchanged
 * in Node, Deno, Bun, workerd, edge-light and browsers.
 *
 * CORS: a page reading an object from another origin needs the server to answer with
 *   Access-Control-Allow-Origin: <the page's origin, or *>
 *   Access-Control-Allow-Headers: Range, If-Match, If-Unmodified-Since (plus any header passed in `headers`)
 *   Access-Control-Expose-Headers: Content-Range, ETag, Last-Modified, Content-Encoding, Content-Length
 * and to answer the preflight (OPTIONS) that If-Match triggers. Without the exposed
 * headers the browser hides Content-Range, and opening fails with 'no-length'.
 */
import type { AsyncPageSource } from '../../types.js';
import { aborted, closed, MmapError, sourceFailed } from '../../errors.js';
import { checkOtherOrigin, checkProbe, checkRange, preconditionHeaders, type Validators } from './headers.js';
import { sendFollowing, type Reached } from './redirects.js';
import { noStore, resolveTarget, type HttpTarget } from './target.js';
import { readLength, type ReadOptions } from '../read-range.js';
import { copyBody, type Progress } from './body.js';
import { onAbort, SignalFanout } from '../signals.js';
import { Attempt, Limiter, MAX_RETRY_AFTER_MS, retrying, type Failure, type Outcome, type RetryPolicy } from './retry.js';

export type { HttpTarget, ReadOptions };

/** Bytes the opening probe asks for; the map passes its page size, so the probe brings page 0. */
export const DEFAULT_PROBE_LENGTH = 64 * 1024;
/** Requests in flight at once (browsers open at most 6 HTTP/1.1 connections per origin). */
export const DEFAULT_MAX_IN_FLIGHT = 6;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_RETRY_DELAY = 200;
export const DEFAULT_MAX_RETRY_DELAY = 5000;
/** Milliseconds a request may take, body included, when `timeout` is not given: no read waits forever. */
export const DEFAULT_TIMEOUT = 30_000;
/**
 * Requests one read may make, retries included. A server may answer a range with less than
 * asked (the rest is asked for next); one that keeps doing so ends here, not after a request per byte.
 */
export const MAX_REQUESTS_PER_READ = 32;

export interface HttpSourceOptions {
  /** Sent with every request, after a Request target's own headers. */
  headers?: HeadersInit;
  /** Called exactly like the global `fetch(input, init)`. */
  fetch?: typeof globalThis.fetch;
  /** Aborting rejects pending reads with an AbortError and fails later ones. */
  signal?: AbortSignal;
  /** Milliseconds per request, body included (default 30 s; 0: none); a timeout is retried like a network error. */
  timeout?: number;
  /** Bytes the opening probe fetches (default 64 KiB); reads inside them need no request. */
  probeLength?: number;
  /** Requests in flight at once (default 6). */
  maxInFlight?: number;
  /** Further attempts after a retryable failure (default 3). */
  retries?: number;
  /** Backoff base in ms (default 200): attempt n waits ½–1 × base · 2ⁿ, capped at `maxRetryDelay`. */
  retryDelay?: number;
  maxRetryDelay?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/** A remote object mapped read-only; `requests` counts every request sent, the probe included. */
export interface HttpSource extends AsyncPageSource {
  readonly url: string;
  readonly size: number;
  /** ETag and Last-Modified learnt at open; every later response must agree. */
  readonly validators: Readonly<Validators>;
  readonly requests: number;
  /** Body bytes received, the probe's included. */
  readonly bytesRead: number;
  readonly closed: boolean;
  read(into: Uint8Array, position: number, options?: ReadOptions): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens `target` with one probe (`Range: bytes=0-{probeLength-1}`) that learns the size
 * and validators and keeps the bytes it brought.
 * @throws {MmapError} ERR_MMAP_SOURCE_UNSUPPORTED (reason 'no-range', 'content-encoding', 'no-length'),
 *   ERR_MMAP_SOURCE_FAILED; AbortError when `signal` aborts
 */
export async function openHttpSource(target: HttpTarget, options: HttpSourceOptions = {}): Promise<HttpSource> {
  const source = new RangeSource(target, options);
  await source.open();
  return source;
}

class RangeSource implements HttpSource {
  readonly url: string;
  size = 0;
  validators: Validators = {};
  readonly #input: string | Request;
  readonly #headers: Headers;
  /** The names of `options.headers`: never sent to another origin. */
  readonly #privateHeaders: string[] = [];
  /** The origin the probe's answer came from (after redirects): another origin must show the object's validators. */
  #origin = '';
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeout: number | undefined;
  readonly #probeLength: number;
  readonly #retry: RetryPolicy;
  readonly #pool: Limiter;
  /** Aborts every request when the caller's signal aborts or the source closes. */
  readonly #lifetime = new AbortController();
  /** Each read's signal: it aborts with the source's lifetime, or with the read's own signal. */
  readonly #reads = new SignalFanout(this.#lifetime.signal);
  #abortReason: { reason: unknown } | undefined;
  #closed = false;
  #head = new Uint8Array(0);
  #requests = 0;
  #bytesRead = 0;

  /**
   * openMapAsync() validated `fetch`, `headers` and `timeout` (normalizeAsyncOptions) and
   * passes its validated pageSize as `probeLength`, so they are not checked again here. The
   * other options (retries, retryDelay, maxRetryDelay, maxInFlight, random) are set by
   * tests only and are taken as given, unchecked.
   */
  constructor(target: HttpTarget, options: HttpSourceOptions) {
    const resolved = resolveTarget(target, options.headers, options.fetch !== undefined);
    this.url = resolved.url;
    this.#input = resolved.input;
    this.#headers = resolved.headers;
    this.#fetch = options.fetch ?? globalThis.fetch;
    new Headers(options.headers).forEach((_, name) => this.#privateHeaders.push(name));
    this.#timeout = options.timeout === 0 ? undefined : options.timeout ?? DEFAULT_TIMEOUT;
    this.#probeLength = options.probeLength ?? DEFAULT_PROBE_LENGTH;
    this.#retry = {
      retries: options.retries ?? DEFAULT_RETRIES,
      baseDelayMs: options.retryDelay ?? DEFAULT_RETRY_DELAY,
      maxDelayMs: options.maxRetryDelay ?? DEFAULT_MAX_RETRY_DELAY,
      retryAfterCapMs: Math.min(MAX_RETRY_AFTER_MS, this.#timeout ?? Infinity),
      random: options.random ?? Math.random,
    };
    this.#pool = new Limiter(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    for (const signal of [options.signal, resolved.signal]) if (signal) this.#follow(signal);
  }

  get requests(): number {
    return this.#requests;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async open(): Promise<void> {
    try {
      let opened = false;
      await this.#attempts(async () => {
        const outcome = await this.#probe();
        opened = outcome.failure === undefined;
        return outcome;
      }, () => opened);
    } catch (error) {
      const stopped = this.#lifetime.signal.aborted;
      this.#stop();
      throw stopped ? this.#stopError() : error;
    }
  }

  /**
   * Reads `into.length` bytes from `position`, clipped at `size`; returns the count.
   * `options.signal` cancels this read alone (an AbortError); `options.landed` hears of bytes as they land.
   */
  async read(into: Uint8Array, position: number, options?: ReadOptions): Promise<number> {
    if (this.#lifetime.signal.aborted) throw this.#stopError();
    const own = options?.signal;
    if (own?.aborted) throw aborted(own.reason);
    const length = readLength(into, position, this.size);
    const fromHead = Math.max(0, Math.min(length, this.#head.length - position));
    if (fromHead > 0) into.set(this.#head.subarray(position, position + fromHead));
    if (fromHead === length) return length;
    const target = into.subarray(fromHead, length);
    let copied = 0;
    const { signal, unlink } = this.#reads.child(own);
    let requests = 0;
    try {
      await this.#attempts(async () => {
        if (++requests > MAX_REQUESTS_PER_READ) {
          throw sourceFailed(`GET ${this.url}: ${MAX_REQUESTS_PER_READ} requests brought ${copied} of the ${target.length} bytes asked for at ${position + fromHead}`,
            { url: this.url });
        }
        const base = fromHead + copied;
        const landed = options?.landed && ((bytes: number) => options.landed!(base + bytes));
        const outcome = await this.#rangeAttempt(target.subarray(copied), position + fromHead + copied, signal, landed);
        copied += outcome.copied;
        return outcome;
      }, () => copied === target.length, signal);
    } catch (error) {
      if (this.#lifetime.signal.aborted) throw this.#stopError();
      throw own?.aborted ? aborted(own.reason) : error;
    } finally {
      unlink();
    }
    return length;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#head = new Uint8Array(0);
    this.#stop();
  }

  #follow(signal: AbortSignal): void {
    const stop = () => {
      this.#abortReason ??= { reason: signal.reason };
      this.#stop();
    };
    if (signal.aborted) stop();
    else onAbort(this.#lifetime.signal, onAbort(signal, stop));
  }

  #stop(): void {
    this.#lifetime.abort();
  }

  #stopError(): Error {
    return this.#abortReason ? aborted(this.#abortReason.reason) : closed();
  }

  /** Runs attempts until `isDone()`, retrying failures; ERR_MMAP_SOURCE_FAILED once retries run out. */
  async #attempts(attempt: () => Promise<Outcome>, isDone: () => boolean, signal = this.#lifetime.signal): Promise<void> {
    const gaveUp = await retrying(this.#pool, this.#retry, signal, attempt, isDone);
    if (gaveUp === undefined) return;
    const { failure, attempts } = gaveUp;
    throw sourceFailed(`GET ${this.url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failure.message}`, {
      status: failure.status,
      url: this.url,
      cause: failure.cause,
    });
  }

  /** Sends one GET with `range`; with `preconditions`, also If-Match / If-Unmodified-Since. Follows redirects (redirects.ts). */
  #send(range: string, preconditions: boolean, attempt: Attempt): Promise<Reached> {
    const headers = new Headers(this.#headers);
    headers.set('Range', range);
    if (preconditions) for (const [name, value] of preconditionHeaders(this.validators)) headers.set(name, value);
    const fetchImpl = this.#fetch; // called unbound, like the global fetch (a bound `this` is an Illegal invocation in browsers)
    const init: RequestInit = { method: 'GET', signal: attempt.signal, ...noStore() };
    return sendFollowing(fetchImpl, this.url, { input: this.#input, headers, init }, this.#privateHeaders, () => this.#requests++);
  }

  /**
   * Runs one request: `check` inspects the response (throwing final errors, returning a
   * retryable failure or the bytes expected); the body is then copied into `target`.
   */
  async #exchange(range: string, preconditions: boolean, target: (expected: number) => Uint8Array,
    check: (response: Response, url: string) => Failure | number, signal = this.#lifetime.signal, keep = Infinity,
    landed?: (copied: number) => void): Promise<Outcome> {
    const attempt = new Attempt(signal, this.#timeout);
    const progress: Progress = { copied: 0, landed };
    let response: Response | undefined;
    let complete = false;
    try {
      const reached = await this.#send(range, preconditions, attempt);
      response = reached.response;
      const promised = check(response, reached.url);
      if (typeof promised !== 'number') return { copied: 0, failure: promised };
      if (promised === 0) return { copied: 0 }; // nothing to read; an error page's body is dropped
      // More than `keep` (a probe answered with the whole object): the rest is never downloaded.
      const checked = Math.min(promised, keep);
      const overflow = await copyBody(response.body, target(checked), progress, attempt.signal, checked < promised);
      this.#bytesRead += progress.copied;
      if (overflow && checked < promised && progress.copied === checked) {
        complete = false; // the body is cancelled in `finally`
        return { copied: checked };
      }
      // Bytes a reader was told of stay (all of them: done, the excess dropped; else the retry asks for the
      // rest); without a reader told, the attempt counts for nothing.
      if (overflow && landed && progress.copied === checked) return { copied: checked };
      if (overflow) return { copied: landed ? progress.copied : 0, failure: { message: 'the body is longer than its Content-Range', status: response.status } };
      if (progress.copied < checked) {
        return { copied: progress.copied, failure: { message: `short body: ${progress.copied} of ${checked} bytes`, status: response.status } };
      }
      complete = true;
      return { copied: checked };
    } catch (error) {
      if (error instanceof MmapError || signal.aborted) throw error;
      this.#bytesRead += progress.copied;
      const message = attempt.timedOut ? `timed out after ${this.#timeout} ms` : `network error: ${(error as Error)?.message ?? error}`;
      return { copied: progress.copied, failure: { message, status: response?.status, cause: attempt.timedOut ? undefined : error } };
    } finally {
      attempt.finish(!complete, response?.body);
    }
  }

  /** The opening probe: learns size and validators, keeps the bytes it brought as `#head`. */
  #probe(): Promise<Outcome> {
    let head = new Uint8Array(0);
    return this.#exchange(`bytes=0-${this.#probeLength - 1}`, false, (expected) => (head = new Uint8Array(expected)), (response, url) => {
      const probed = checkProbe(response, this.url);
      if ('message' in probed) return probed;
      this.size = probed.size;
      this.validators = probed.validators;
      this.#origin = new URL(url).origin;
      return probed.expected;
    }, this.#lifetime.signal, this.#probeLength).then((outcome) => {
      if (outcome.failure === undefined) this.#head = head;
      return outcome;
    });
  }

  /** One range request for `target` at `position`, checked against what open learnt. */
  #rangeAttempt(target: Uint8Array, position: number, signal: AbortSignal, landed?: (copied: number) => void): Promise<Outcome> {
    const asked = { url: this.url, size: this.size, validators: this.validators, first: position, last: position + target.length - 1 };
    const into = (expected: number) => target.subarray(0, expected);
    return this.#exchange(`bytes=${position}-${asked.last}`, true, into, (response, url) => {
      const verdict = checkRange(response, asked);
      if (typeof verdict === 'number' && new URL(url).origin !== this.#origin) checkOtherOrigin(response, asked, url);
      return verdict;
    }, signal, Infinity, landed);
  }
}
