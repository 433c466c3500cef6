/**
 * Admission, cancellation and retries for remote sources: a bound on requests in flight,
 * one attempt's abort controller (linked to the source's lifetime, with a timeout), and
 * bounded retries with exponential backoff. Only AbortController, AbortSignal and timers:
 * every runtime in scope has them.
 */
import { onAbort } from '../signals.js';

/** Admits at most `limit` tasks at once, first come first served. */
export class Limiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Runs `task` once a slot is free; rejects with `signal.reason` if the signal aborts while waiting. */
  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        unlink();
        resolve();
      };
      const unlink = onAbort(signal, () => {
        this.#waiting.splice(this.#waiting.indexOf(start), 1);
        reject(signal.reason);
      });
      this.#waiting.push(start);
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next(); // the slot passes to the next task; the count stays
    else this.#active--;
  }
}

/**
 * One request's cancellation: aborts when `parent` aborts or after `timeoutMs`
 * (which sets `timedOut`). `finish(cancel)` stops the timer and unlinks; with `cancel`
 * it aborts the request, so an unwanted body is never downloaded to the end.
 */
export class Attempt {
  readonly #controller = new AbortController();
  readonly #unlink: () => void;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;

  constructor(parent: AbortSignal, timeoutMs: number | undefined) {
    const follow = () => this.#controller.abort(parent.reason);
    if (parent.aborted) follow();
    this.#unlink = onAbort(parent, follow);
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(() => {
        this.#timedOut = true;
        this.#controller.abort();
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  finish(cancel: boolean, body?: ReadableStream<Uint8Array> | null): void {
    clearTimeout(this.#timer);
    this.#unlink();
    if (!cancel) return;
    this.#controller.abort();
    // A caller's fetch may ignore the signal; cancelling the body stops the download too.
    // (A body locked by a reader rejects here; the abort above already ended that one.)
    if (body && !body.locked) body.cancel().catch(() => undefined);
  }
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unlink();
      resolve();
    }, ms);
    const unlink = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** The longest a server's Retry-After makes a retry wait (docs/remote.md): a longer one is waited for this long. */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Exponential backoff with jitter: between half and all of `baseMs · 2^failures`, capped
 * at `maxMs`, and never shorter than the server's Retry-After, which is honoured past
 * `maxMs` up to `retryAfterCapMs` (30 s, or less with a shorter request timeout).
 */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random: () => number, retryAfter?: number,
  retryAfterCapMs = MAX_RETRY_AFTER_MS): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** failures);
  const jittered = ceiling / 2 + (random() * ceiling) / 2;
  return Math.round(Math.max(jittered, Math.min(retryAfter ?? 0, retryAfterCapMs)));
}

/** A retryable failure of one attempt. */
export interface Failure {
  message: string;
  /** The HTTP status, when there was a response. */
  status?: number;
  /** The server's Retry-After, in ms. */
  retryAfter?: number;
  cause?: unknown;
}

/** What one attempt achieved: progress the next attempt keeps, and, if it failed, why. */
export interface Outcome {
  copied: number;
  failure?: Failure;
}

export interface RetryPolicy {
  /** Further attempts after a failure. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest a Retry-After is waited for. */
  retryAfterCapMs: number;
  random: () => number;
}

/**
 * Runs `attempt`, each run in a slot of `pool`, until `isDone()`. A failed attempt backs
 * off and runs again, at most `policy.retries` times in all; then the last failure is
 * returned (undefined on success). Rejects with `signal.reason` once `signal` aborts.
 */
export async function retrying(pool: Limiter, policy: RetryPolicy, signal: AbortSignal,
  attempt: () => Promise<Outcome>, isDone: () => boolean): Promise<{ failure: Failure; attempts: number } | undefined> {
  let failures = 0;
  while (!isDone()) {
    const { failure } = await pool.run(attempt, signal);
    if (failure === undefined) continue;
    if (failures >= policy.retries) return { failure, attempts: failures + 1 };
    await sleep(backoffMs(failures++, policy.baseDelayMs, policy.maxDelayMs, policy.random, failure.retryAfter, policy.retryAfterCapMs), signal);
  }
  return undefined;
}
