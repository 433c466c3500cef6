/**
 * Small pieces shared by the layers between a pager and its source: a signal
 * that follows others, and a batch that collects what one tick asks for.
 * Only AbortController, AbortSignal and microtasks: every runtime in scope has them.
 */

/** A signal that aborts when any of `signals` does (with its reason); `unlink()` stops following. */
export function followAny(signals: readonly (AbortSignal | undefined)[]): { signal: AbortSignal; unlink: () => void } {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return { signal: present[0], unlink: () => undefined };
  const controller = new AbortController();
  const unlinks: (() => void)[] = [];
  for (const signal of present) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    unlinks.push(() => signal.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, unlink: () => unlinks.forEach((unlink) => unlink()) };
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
  const onAbort = () => {
    if (--left === 0) controller.abort(present[present.length - 1].reason);
  };
  for (const signal of present) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return controller.signal;
}
