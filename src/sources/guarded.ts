/**
 * The `signal`, `timeout` and in-flight bound of openMapAsync() for sources that do
 * not apply them themselves (a Blob, a user's AsyncPageSource; the HTTP source
 * applies its own). Each call to the source is admitted by a Limiter, rejects with an
 * AbortError as soon as the signal aborts (and at once after it did), and fails with
 * ERR_MMAP_SOURCE_FAILED when it takes longer than `timeout` ms. A read's own signal
 * (no call waits for it any more) is passed to the source and ends the wait likewise.
 * A call that lost the race may still complete in the source; the map never uses
 * what it returns.
 * `close()` always reaches the source.
 */
import { aborted, sourceFailed } from '../errors.js';
import type { AsyncPageSource } from '../types.js';
import { Limiter } from './http/retry.js';
import { onAbort, SignalFanout } from './signals.js';

export interface GuardOptions {
  signal?: AbortSignal;
  /** Milliseconds per call; 0 or absent: none (a user's source may take as long as it takes). */
  timeout?: number;
  /** Calls in flight at once. */
  maxInFlight: number;
}

const NEVER = new AbortController().signal;
const ignore = (): void => undefined;

/**
 * Resolves or rejects with `promise`, unless the signal aborts or the timer runs out first.
 * `settled` is the call itself, settling only when the source's call does: the slot it
 * holds is held that long, so a source never runs more calls than `concurrency`.
 */
function race<T>(promise: Promise<T>, what: string, signal: AbortSignal, timeout: number | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = timeout === undefined ? undefined : setTimeout(() => reject(sourceFailed(`${what} timed out after ${timeout} ms`, {})), timeout);
    const unlink = onAbort(signal, () => reject(aborted(signal.reason)));
    if (signal.aborted) reject(aborted(signal.reason));
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      unlink();
    });
  });
}

/** `source` with every call guarded; counters a source keeps (`requests`, `bytesRead`) show through. */
export function guardedSource(source: AsyncPageSource, options: GuardOptions): AsyncPageSource {
  const mapSignal = options.signal ?? NEVER;
  const calls = new SignalFanout(mapSignal);
  const limiter = new Limiter(options.maxInFlight);
  /** Runs `call` once admitted; `own` (a read's signal) ends this call's wait alone. */
  const guard = <T>(what: string, call: () => Promise<T> | T, own?: AbortSignal): Promise<T> => {
    if (mapSignal.aborted) return Promise.reject(aborted(mapSignal.reason));
    if (own?.aborted) return Promise.reject(aborted(own.reason));
    const { signal, unlink } = calls.child(own);
    const answer = new Promise<T>((resolve, reject) => {
      limiter.run(async () => {
        // Checked on entry and again once admitted: an abort while waiting for a slot never reaches the source.
        if (signal.aborted) throw aborted(signal.reason);
        const underlying = Promise.resolve().then(call);
        const answered = race(underlying, what, signal, options.timeout || undefined);
        answered.then(resolve, reject);
        try {
          await answered;
        } catch {
          // The caller hears at once; the slot stays taken until the source's own call settles
          // (it was told, by the read's signal), so no more than `concurrency` calls run in it.
          // A call that timed out gives its slot up: a source that hangs must not stall the map.
          if (signal.aborted) await underlying.then(ignore, ignore);
        }
      }, signal).catch(reject);
    });
    return answer.catch((error: unknown) => {
      if (mapSignal.aborted) throw aborted(mapSignal.reason);
      throw own?.aborted ? aborted(own.reason) : error;
    }).finally(unlink);
  };
  const guarded: AsyncPageSource = {
    get size() {
      return source.size;
    },
    read: (into, position, options) => {
      const own = options?.signal;
      // this read alone may be cancelled too: the source is told, and the map stops waiting at once
      return guard('read()', () => (own === undefined ? source.read(into, position) : source.read(into, position, { signal: own })), own);
    },
    close: async () => {
      calls.dispose(); // the map's signal may outlive the map (one shared by many)
      await source.close?.();
    },
  };
  if (source.write) guarded.write = (from, position) => guard('write()', () => source.write!(from, position));
  if (source.truncate) guarded.truncate = (size) => guard('truncate()', () => source.truncate!(size));
  if (source.sync) guarded.sync = () => guard('sync()', () => source.sync!());
  for (const name of ['requests', 'bytesRead'] as const) {
    if (name in source) Object.defineProperty(guarded, name, { get: () => (source as unknown as Record<string, unknown>)[name] });
  }
  return guarded;
}
