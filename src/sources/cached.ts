/**
 * A PageCache between a pager and its source (docs/remote.md, "Caching"). The
 * cache holds the object's pages, aligned to `pageSize` from the object's start
 * whatever the map's offset; a page's key names the object (cacheKey), its
 * version (validator and size), the page size and the page index, so a changed
 * object never meets an old page.
 *
 * The reads of one tick are served together: every page they cover is asked of
 * the cache first (each once), and the pages it does not have, or has wrong
 * (a length that is not the page's), are read from the source below in runs,
 * all in one synchronous pass, so the request planner under this layer merges
 * them as it would without a cache. Fetched pages are put (copies: what put()
 * is given belongs to the cache); close() waits for those puts. A cache that
 * throws or rejects is a cache that missed.
 */
import type { AsyncPageSource, PageCache } from '../types.js';
import { followAll, TickBatch } from './signals.js';

/** One read asked for, until it settles. */
interface Wanted {
  into: Uint8Array;
  position: number;
  /** Bytes of `into` inside the source. */
  length: number;
  signal: AbortSignal | undefined;
  resolve(count: number): void;
  reject(error: unknown): void;
}

/** A run of pages [first, first + count) read from the source; `got` bytes arrived. */
interface Fetched {
  first: number;
  bytes: Uint8Array;
  got: number;
}

type Counted = AsyncPageSource & { readonly requests?: unknown; readonly bytesRead?: unknown };

const isBytes = (value: unknown): value is Uint8Array => Object.prototype.toString.call(value) === '[object Uint8Array]';

/** What a cache lookup gives: the page's bytes, or undefined (a miss, a failed check, a failing cache). */
type Lookup = Uint8Array | undefined | Promise<Uint8Array | undefined>;

export class CachedSource implements AsyncPageSource {
  private readonly batch = new TickBatch<Wanted>((items) => void this.serve(items));
  private readonly writes = new Set<Promise<void>>();
  private hits = 0;

  /** @param prefix the key of the object's version: pages are `${prefix}${index}` */
  constructor(
    private readonly inner: Counted,
    private readonly cache: PageCache,
    private readonly prefix: string,
    private readonly pageSize: number,
  ) {}

  get size(): number {
    return this.inner.size;
  }

  get requests(): unknown {
    return this.inner.requests;
  }

  get bytesRead(): unknown {
    return this.inner.bytesRead;
  }

  /** Pages the cache served. */
  get cacheHits(): number {
    return this.hits;
  }

  read(into: Uint8Array, position: number, options?: { signal?: AbortSignal }): Promise<number> {
    const length = Math.max(0, Math.min(into.length, this.inner.size - position));
    if (length === 0) return this.inner.read(into, position, options); // the source says where it ends
    return new Promise((resolve, reject) => this.batch.add({ into, position, length, signal: options?.signal, resolve, reject }));
  }

  /**
   * Settles once every cache write this layer started has, then closes the source. Reads
   * still under way (read-ahead) may finish meanwhile and start more: waited for too.
   */
  async close(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
    await this.inner.close?.();
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private key(page: number): string {
    return this.prefix + page;
  }

  /** The bytes page `page` must have: a whole page, or the object's tail. */
  private pageLength(page: number): number {
    return Math.min(this.pageSize, this.inner.size - page * this.pageSize);
  }

  private lookup(page: number): Lookup {
    const checked = (bytes: unknown): Uint8Array | undefined => {
      if (isBytes(bytes) && bytes.length === this.pageLength(page)) return bytes;
      if (bytes !== undefined) this.track(() => this.cache.delete?.(this.key(page))); // wrong: it goes
      return undefined;
    };
    try {
      const found = this.cache.get(this.key(page));
      if (found instanceof Promise || (found !== null && typeof (found as { then?: unknown })?.then === 'function')) {
        return Promise.resolve(found).then(checked, () => undefined);
      }
      return checked(found);
    } catch {
      return undefined;
    }
  }

  private async serve(items: Wanted[]): Promise<void> {
    const ps = this.pageSize;
    const lookups = new Map<number, Lookup>();
    for (const item of items) {
      for (let page = Math.floor(item.position / ps); page * ps < item.position + item.length; page++) {
        if (!lookups.has(page)) lookups.set(page, this.lookup(page));
      }
    }
    const pages = new Map<number, Uint8Array | undefined>();
    const waits: Promise<void>[] = [];
    for (const [page, found] of lookups) {
      if (found instanceof Promise) waits.push(found.then((bytes) => void pages.set(page, bytes)));
      else pages.set(page, found);
    }
    if (waits.length > 0) await Promise.all(waits);
    const fetched = this.fetchMissing(items, pages);
    for (const item of items) void this.answer(item, pages, fetched);
  }

  /** Reads the runs of pages the cache lacked, all at once; each resolves with what arrived. */
  private fetchMissing(items: Wanted[], pages: Map<number, Uint8Array | undefined>): Map<number, Promise<Fetched>> {
    const ps = this.pageSize;
    const missing = [...pages].filter(([, bytes]) => bytes === undefined).map(([page]) => page).sort((a, b) => a - b);
    const byPage = new Map<number, Promise<Fetched>>();
    for (let i = 0; i < missing.length;) {
      let j = i + 1;
      while (j < missing.length && missing[j] === missing[j - 1] + 1) j++;
      const first = missing[i];
      const count = j - i;
      const start = first * ps;
      const bytes = new Uint8Array(Math.min(count * ps, this.inner.size - start));
      const signal = followAll(items.filter((it) => it.position < start + bytes.length && it.position + it.length > start).map((it) => it.signal));
      const run = this.fill(bytes, start, signal).then((got) => {
        for (let k = 0; k < count; k++) {
          const page = first + k;
          const end = k * ps + this.pageLength(page);
          if (end <= got) this.track(() => this.cache.put(this.key(page), bytes.slice(k * ps, end)));
        }
        return { first, bytes, got };
      });
      run.catch(() => undefined); // each reader of the run reports its failure
      for (let k = 0; k < count; k++) byPage.set(first + k, run);
      i = j;
    }
    return byPage;
  }

  /** Reads `into` whole from the source at `start` (a source may return less per read); resolves with the bytes read. */
  private async fill(into: Uint8Array, start: number, signal: AbortSignal | undefined): Promise<number> {
    let got = 0;
    while (got < into.length) {
      const count = await this.inner.read(into.subarray(got), start + got, signal === undefined ? undefined : { signal });
      if (!(count > 0)) break;
      got += count;
    }
    return got;
  }

  /** Copies one read's bytes from the cached pages and the fetched runs, in order; resolves with the bytes in place. */
  private async answer(item: Wanted, pages: Map<number, Uint8Array | undefined>, fetched: Map<number, Promise<Fetched>>): Promise<void> {
    const ps = this.pageSize;
    try {
      let done = 0;
      let hits = 0;
      while (done < item.length) {
        const at = item.position + done;
        const page = Math.floor(at / ps);
        const skip = at - page * ps;
        let bytes = pages.get(page);
        let available: number;
        if (bytes !== undefined) {
          hits++;
          available = bytes.length - skip;
        } else {
          const run = await fetched.get(page)!;
          bytes = run.bytes;
          const from = (page - run.first) * ps + skip;
          available = Math.max(0, Math.min(run.got - from, ps - skip));
          if (available === 0) break; // the source ended early: the caller asks again
          item.into.set(bytes.subarray(from, from + Math.min(available, item.length - done)), done);
          done += Math.min(available, item.length - done);
          continue;
        }
        const take = Math.min(available, item.length - done);
        item.into.set(bytes.subarray(skip, skip + take), done);
        done += take;
      }
      this.hits += hits;
      if (done === 0) {
        item.resolve(await this.inner.read(item.into, item.position, item.signal === undefined ? undefined : { signal: item.signal }));
      } else {
        item.resolve(done);
      }
    } catch (error) {
      item.reject(error);
    }
  }

  /** Runs a cache write (or delete) and keeps it until settled, so close() can wait for it. */
  private track(write: () => Promise<void> | void): void {
    let pending: Promise<void>;
    try {
      pending = Promise.resolve(write()).catch(() => undefined);
    } catch {
      return;
    }
    this.writes.add(pending);
    void pending.finally(() => this.writes.delete(pending));
  }
}
