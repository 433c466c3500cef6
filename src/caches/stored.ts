/**
 * The PageCache over a store of named entries (a directory of files, an OPFS
 * directory): an LRU index by bytes, built from the store on first use (each
 * entry's last-use time orders it) and kept in memory after, and the entry checks
 * of entry.ts on every read. fileCache() and opfsCache() are this over their store.
 *
 * Several processes (or tabs) may share one store: a read is always tried in the
 * store, whatever this index says, so an entry another process wrote is a hit and
 * joins the index; each process bounds the store by what it knows of it.
 */
import type { PageCache } from '../types.js';
import { keyName } from './checksum.js';
import { decodeEntry, encodeEntry } from './entry.js';
import { LruIndex } from './lru.js';

/** One stored entry as listed: its name, stored bytes, and when it was last used (ms since the epoch). */
export interface ListedEntry {
  name: string;
  byteLength: number;
  usedAt: number;
}

/** Named entries somewhere; names are keyName()s (16 hex digits). */
export interface EntryStore {
  /** Every entry (creating the store where it does not exist yet); may drop leftovers of crashed writes. */
  list(): Promise<ListedEntry[]>;
  /** The entry's bytes, or undefined where there is none. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Replaces the entry whole: a reader sees the old bytes or the new, never a mix. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Removes the entry; one that is already gone is fine. */
  remove(name: string): Promise<void>;
  /** Records a use, so the order survives a restart (where the store can). */
  touch?(name: string): Promise<void>;
}

export class StoredCache implements PageCache {
  private readonly index: LruIndex;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: EntryStore,
    private readonly maxBytes: number,
  ) {
    this.index = new LruIndex(maxBytes);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const name = keyName(key);
    try {
      await this.open();
      const stored = await this.store.read(name);
      if (stored === undefined) {
        this.index.remove(name);
        return undefined;
      }
      const decoded = decodeEntry(key, stored);
      if (decoded.kind === 'corrupt') await this.drop(name);
      if (decoded.kind !== 'hit') return undefined;
      if (!this.index.touch(name)) await this.evict(this.index.add(name, stored.length)); // another process wrote it
      await this.store.touch?.(name).catch(() => undefined); // awaited, so a restart right after sees the order
      return decoded.payload;
    } catch {
      return undefined; // an unreadable store is a store that missed
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const stored = encodeEntry(key, bytes);
    if (stored.length > this.maxBytes) return; // it would evict everything and still not fit
    await this.open();
    const name = keyName(key);
    await this.store.write(name, stored);
    await this.evict(this.index.add(name, stored.length));
  }

  async delete(key: string): Promise<void> {
    await this.open();
    await this.drop(keyName(key));
  }

  /** Builds the index from the store, once; a failed attempt is tried again by the next call. */
  private open(): Promise<void> {
    this.ready ??= this.build().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async build(): Promise<void> {
    const listed = await this.store.list();
    listed.sort((a, b) => a.usedAt - b.usedAt);
    const evicted: string[] = [];
    for (const entry of listed) evicted.push(...this.index.add(entry.name, entry.byteLength));
    await this.evict(evicted); // the store may hold more than this maxBytes allows
  }

  private async drop(name: string): Promise<void> {
    this.index.remove(name);
    await this.store.remove(name);
  }

  private async evict(names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.store.remove(name).catch(() => undefined)));
  }
}
