/**
 * Small pieces shared by the layers between a pager and its source: signals
 * that follow others, and a batch that collects what one tick asks for.
 * Only AbortController, AbortSignal and microtasks: every runtime in scope has them.
 */

const listenersOf = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` when `signal` aborts; returns what stops that. However many calls
 * wait on one signal (a map-wide signal, one a caller passes to 200 reads), the signal
 * carries a single listener: Node warns past ten (MaxListenersExceededWarning). Callers
 * check `signal.aborted` first: a signal that already aborted calls nothing.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) return () => undefined;
  let listeners = listenersOf.get(signal);
  if (listeners === undefined) {
    const fresh = new Set<() => void>();
    listenersOf.set(signal, fresh);
    signal.addEventListener('abort', () => {
      listenersOf.delete(signal);
      for (const call of fresh) call();
    }, { once: true });
    listeners = fresh;
  }
  const entry = () => listener(); // its own identity: one listener may be added twice
  listeners.add(entry);
  const set = listeners;
  return () => void set.delete(entry);
}

/**
 * The calls under one long-lived signal (a source's lifetime, a map's `signal`),
 * each with a signal of its own that aborts with it (and with the call's own signal).
 */
export class SignalFanout {
  private readonly children = new Set<AbortController>();
  /** Stops following the parent: dispose() once no call will be made any more. */
  readonly dispose: () => void;

  constructor(readonly parent: AbortSignal) {
    this.dispose = onAbort(parent, () => {
      for (const child of this.children) child.abort(parent.reason);
      this.children.clear();
    });
  }

  /** A signal that aborts with the parent or with `own` (the call's own signal); `unlink()` once the call is over. */
  child(own?: AbortSignal): { signal: AbortSignal; unlink: () => void } {
    const controller = new AbortController();
    const source = this.parent.aborted ? this.parent : own?.aborted ? own : undefined;
    if (source !== undefined) {
      controller.abort(source.reason);
      return { signal: controller.signal, unlink: () => undefined };
    }
    this.children.add(controller);
    const unlinkOwn = own === undefined ? () => undefined : onAbort(own, () => controller.abort(own.reason));
    return {
      signal: controller.signal,
      unlink: () => {
        this.children.delete(controller);
        unlinkOwn();
      },
    };
  }
}

/**
 * Microtask turns a batch waits before it is flushed. Calls made in one tick reach
 * their first fault after the same number of awaits (the call gate, the call's
 * body), so their misses meet in one batch; the extra turns absorb a call that
 * took a step or two more (a gate that was busy), at no cost a timer would have.
 */
const TURNS = 4;

/** Collects items added during one tick and hands them to `flush` together. */
export class TickBatch<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (items: T[]) => void) {}

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    let turns = TURNS;
    const turn = (): void => {
      if (--turns > 0) {
        queueMicrotask(turn);
        return;
      }
      const items = this.items;
      this.items = [];
      this.scheduled = false;
      this.flush(items);
    };
    queueMicrotask(turn);
  }
}

/**
 * A signal that aborts once every one of `signals` has aborted: what a request
 * shared by several calls follows. Undefined (never aborts) when any of them
 * has no signal: a call that cannot abort keeps the request alive.
 */
export function followAll(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  if (signals.length === 0 || signals.some((s) => s === undefined)) return undefined;
  const present = signals as readonly AbortSignal[];
  if (present.length === 1) return present[0];
  const controller = new AbortController();
  let left = present.length;
  const oneAborted = () => {
    if (--left === 0) controller.abort(present[present.length - 1].reason);
  };
  for (const signal of present) {
    if (signal.aborted) oneAborted();
    else onAbort(signal, oneAborted);
  }
  return controller.signal;
}
