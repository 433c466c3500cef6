/**
 * Cancellation and admission for remote sources: a bound on requests in flight, one
 * attempt's abort controller (linked to the source's lifetime, with a timeout), and a
 * cancellable sleep for backoff. Only AbortController, AbortSignal and timers: every
 * runtime in scope has them.
 */

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
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(start), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
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
    const onAbort = () => this.#controller.abort(parent.reason);
    if (parent.aborted) onAbort();
    parent.addEventListener('abort', onAbort, { once: true });
    this.#unlink = () => parent.removeEventListener('abort', onAbort);
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
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
