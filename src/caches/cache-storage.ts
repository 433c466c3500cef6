/**
 * cacheStorageCache(): pages in the Cache API (browsers, workerd), each stored as a
 * 200 response under a synthetic URL. The Cache API refuses to store a 206 (Fetch
 * spec, Cache.put: a partial response is a TypeError), and a page is not a response
 * to any request anyway, so the URL is made from the key's name on a reserved
 * domain (RFC 6761: .invalid never resolves), and the body is the stored entry.
 *
 * The cache is opened again for every call: on workerd one isolate serves many
 * requests, and an I/O object (the Cache, a promise of one) created for one request
 * must not be used by another, so nothing but the name is kept between calls. The
 * Cache API bounds its own size (the browser's quota, the colo's cache), so this
 * cache has no maxBytes.
 */
import { cacheUnavailable } from '../errors.js';
import type { PageCache } from '../types.js';
import { keyName } from './checksum.js';
import { decodeEntry, encodeEntry } from './entry.js';
import { nameArgument } from './options.js';

export const CACHE_URL_BASE = 'https://portable-mmap.invalid/page/';

interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
}
type CachesLike = { open(name: string): Promise<CacheLike> };

class CacheStorageCache implements PageCache {
  constructor(
    private readonly caches: CachesLike,
    private readonly name: string,
  ) {}

  private open(): Promise<CacheLike> {
    return this.caches.open(this.name);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const url = CACHE_URL_BASE + keyName(key);
    try {
      const cache = await this.open();
      const response = await cache.match(url);
      if (response === undefined) return undefined;
      const decoded = decodeEntry(key, new Uint8Array(await response.arrayBuffer()));
      if (decoded.kind === 'corrupt') await cache.delete(url);
      return decoded.kind === 'hit' ? decoded.payload : undefined;
    } catch {
      return undefined; // a failing Cache API is a cache that missed
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const entry = encodeEntry(key, bytes);
    const response = new Response(entry, {
      status: 200,
      // workerd's cache keeps a response only as long as its Cache-Control allows
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(entry.length), 'cache-control': 'public, max-age=31536000, immutable' },
    });
    await (await this.open()).put(CACHE_URL_BASE + keyName(key), response);
  }

  async delete(key: string): Promise<void> {
    await (await this.open()).delete(CACHE_URL_BASE + keyName(key));
  }
}

/**
 * A PageCache in the Cache API's cache `name` (browsers, workerd).
 * @throws {MmapError} ERR_MMAP_BACKEND_UNAVAILABLE where there is no `caches` (Node, Deno without it, insecure pages)
 * @throws {TypeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE (`name`)
 */
export function cacheStorageCache(name: string): PageCache {
  const cacheName = nameArgument('name', name);
  const caches = (globalThis as { caches?: Partial<CachesLike> }).caches;
  if (typeof caches?.open !== 'function') throw cacheUnavailable('cacheStorageCache', 'this runtime has no Cache API (globalThis.caches)');
  return new CacheStorageCache(caches as CachesLike, cacheName);
}
