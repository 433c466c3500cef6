/** The Chromium page (and its worker): opfsCache and cacheStorageCache under maps of the host's nginx (cross-origin, CORS). */
import { cacheStorageCache, memoryCache, opfsCache, openMapAsync } from 'portable-mmap';
import { webRemoteFixture } from '../async/web-fixture.js';
import { checkCaches, type CacheReport } from './runtime-checks.js';

const OPFS_DIR = 'portable-mmap-test-pages';
const CACHE_NAME = 'portable-mmap-test-pages';
const garbage = () => new TextEncoder().encode('not a cache entry');

/** Overwrites every entry file of the OPFS directory with garbage. */
async function damageOpfs(): Promise<void> {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_DIR);
  for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) {
    if (!name.endsWith('.pmc')) continue;
    const writable = await handle.createWritable();
    await writable.write(garbage());
    await writable.close();
  }
}

/** Replaces every stored response with a 200 of garbage. */
async function damageCacheStorage(): Promise<void> {
  const cache = await caches.open(CACHE_NAME);
  for (const request of await cache.keys()) await cache.put(request, new Response(garbage()));
}

/** The worker's reports (browser-worker.ts). */
function inWorker(): Promise<CacheReport[]> {
  return new Promise((resolve) => {
    const worker = new Worker('./worker.js', { type: 'module' });
    worker.onmessage = (event: MessageEvent<CacheReport[]>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => resolve([{ name: 'worker', passes: [], error: `the worker failed: ${event.message}` }]);
  });
}

(globalThis as { runConformance?: () => Promise<string> }).runConformance = async () => {
  const fixture = await webRemoteFixture('nginx (Chromium)', location.origin, openMapAsync);
  const shared = memoryCache();
  const reports = await checkCaches(fixture, [
    { name: 'opfsCache', make: () => opfsCache(OPFS_DIR, { maxBytes: 8 * 1024 * 1024 }), damage: damageOpfs },
    { name: 'cacheStorageCache', make: () => cacheStorageCache(CACHE_NAME), damage: damageCacheStorage },
    { name: 'memoryCache', make: () => shared },
  ]);
  return JSON.stringify([...reports, ...(await inWorker())]);
};
