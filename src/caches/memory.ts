/**
 * memoryCache(): pages held in this process or isolate, shared by every map given
 * the same cache, least recently used evicted first by bytes. Entries are kept in
 * their stored form (header, key, checksum): a caller that writes into the bytes a
 * get() returned damages only that entry, which then reads as a miss.
 *
 * On workerd one isolate serves many requests, and an I/O object (a promise or
 * stream of one request) must not be used by another, so this holds resolved
 * bytes only and answers synchronously.
 */
import { MiB } from '../args.js';
import type { PageCache } from '../types.js';
import { decodeEntry, encodeEntry } from './entry.js';
import { LruIndex } from './lru.js';
import { maxBytesOption } from './options.js';

export interface MemoryCacheOptions {
  /** Bytes of entries held at once (default 64 MiB); the least recently used go first. */
  maxBytes?: number;
}

export const DEFAULT_MEMORY_CACHE_BYTES = 64 * MiB;

class MemoryCache implements PageCache {
  private readonly entries = new Map<string, Uint8Array>();
  private readonly index: LruIndex;

  constructor(private readonly maxBytes: number) {
    this.index = new LruIndex(maxBytes);
  }

  get(key: string): Uint8Array | undefined {
    const stored = this.entries.get(key);
    if (stored === undefined) return undefined;
    const decoded = decodeEntry(key, stored);
    if (decoded.kind !== 'hit') {
      this.delete(key);
      return undefined;
    }
    this.index.touch(key);
    return decoded.payload;
  }

  put(key: string, bytes: Uint8Array): void {
    const stored = encodeEntry(key, bytes);
    if (stored.length > this.maxBytes) return; // it would evict everything and still not fit
    this.entries.set(key, stored);
    for (const evicted of this.index.add(key, stored.length)) this.entries.delete(evicted);
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.index.remove(key);
  }
}

/**
 * A PageCache in memory, for every map of this process (or isolate) that is given it.
 * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE (`maxBytes`)
 */
export function memoryCache(options?: MemoryCacheOptions): PageCache {
  return new MemoryCache(maxBytesOption(options, DEFAULT_MEMORY_CACHE_BYTES));
}
