/**
 * Admission of an asynchronous map's calls: any number run at once, except a
 * call that must run alone (resize), which waits for the calls in progress and
 * holds later ones back until it is done.
 */
export class CallGate {
  private active = 0;
  private exclusive: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  /** Admits a call once no call runs alone; pair with leave(). */
  async enter(): Promise<void> {
    while (this.exclusive) await this.exclusive; // checked and counted in one synchronous run
    this.active++;
  }

  /** Admits a call at once if no call runs alone (true; pair with leave()), else admits nothing (false). */
  tryEnter(): boolean {
    if (this.exclusive) return false;
    this.active++;
    return true;
  }

  leave(): void {
    if (--this.active === 0) this.drained?.();
  }

  /** Resolves once no call runs alone. */
  async settled(): Promise<void> {
    while (this.exclusive) await this.exclusive;
  }

  /** Runs `body` alone: after the calls in progress and `quiesce()`, before any later call. */
  async alone<T>(quiesce: () => Promise<unknown>, body: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let done!: () => void;
    this.exclusive = new Promise((resolve) => (done = resolve));
    try {
      if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      await quiesce();
      return await body();
    } finally {
      this.exclusive = undefined;
      done();
    }
  }
}
