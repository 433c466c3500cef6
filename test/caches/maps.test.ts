/**
 * The built-in caches under real maps of a real nginx (request counts from its access
 * log): a second map of an object reads it all from the cache with no request beyond
 * the probe, a replaced object (another ETag) is read anew, and a damaged cache
 * directory still reads the right bytes, refetching only the damaged pages.
 */
import { readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileCache, memoryCache, openMapAsync, type AsyncMapOptions, type PageCache } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { startNginx, type AccessEntry, type Nginx } from '../helpers/nginx.js';
import { tempFiles } from '../helpers/temp-files.js';

const PAGE = 64 * 1024;
const SIZE = 16 * PAGE + 1234; // 17 pages, the last one short
const PAGES = Math.ceil(SIZE / PAGE);

const temp = tempFiles('cache-maps');
let nginx: Nginx;
let versions = 0;
beforeAll(async () => {
  nginx = await startNginx((root) => {
    for (const name of ['a.bin', 'b.bin', 'c.bin', 'd.bin', 'e.bin']) writeFileSync(join(root, 'files', name), pattern(SIZE, name.charCodeAt(0)));
  });
});
afterAll(async () => {
  await nginx?.stop();
  temp.cleanup();
});
let dirs = 0;
const freshDir = () => join(temp.dir, `d${++dirs}`);

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
const rangeGets = (entries: AccessEntry[]) => entries.filter((e) => e.method === 'GET' && e.range !== '');

/** Opens `name`, reads it whole and closes (which waits for the cache writes); what the server saw, and the map's stats. */
async function readAll(name: string, cache: PageCache, options: AsyncMapOptions = {}) {
  const mark = nginx.mark();
  const map = await openMapAsync(nginx.url(`/files/${name}`), { cache, ...options });
  const bytes = await map.read(0, map.byteLength);
  const stats = map.stats();
  await map.close();
  return { bytes, stats, requests: rangeGets(await nginx.since(mark)) };
}

/** Rewrites `name` with other bytes of the same size and another mtime, so nginx gives it another ETag. */
function replace(name: string, seed: number): Uint8Array {
  const bytes = pattern(SIZE, seed);
  const path = nginx.file(name);
  writeFileSync(path, bytes);
  const when = new Date(Date.UTC(2030, 0, 1) + ++versions * 60_000);
  utimesSync(path, when, when);
  return bytes;
}

describe('fileCache() under openMapAsync over nginx', () => {
  test('a second map (a new fileCache over the same directory) reads everything from the cache: only the probe reaches nginx', async () => {
    const dir = freshDir();
    const first = await readAll('a.bin', fileCache(dir));
    expect(equal(first.bytes, readFileSync(nginx.file('a.bin')))).toBe(true);
    expect(first.requests.length).toBeGreaterThanOrEqual(2);
    expect(first.stats.cacheHits).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.pmc'))).toHaveLength(PAGES);

    const second = await readAll('a.bin', fileCache(dir));
    expect(equal(second.bytes, first.bytes)).toBe(true);
    expect(second.requests).toHaveLength(1); // the probe, which pins the object's validator
    expect(second.stats.requests).toBe(1);
    expect(second.stats.cacheHits).toBe(PAGES);
    expect(second.stats.faults).toBeGreaterThanOrEqual(PAGES); // cached pages still fault in
  });

  test('a replaced object (another ETag) is read anew, never from the old pages', async () => {
    const cache = fileCache(freshDir());
    await readAll('b.bin', cache);
    const fresh = replace('b.bin', 99);
    const after = await readAll('b.bin', cache);
    expect(equal(after.bytes, fresh)).toBe(true);
    expect(after.stats.cacheHits).toBe(0);
    expect(after.requests.length).toBeGreaterThanOrEqual(2);
  });

  test('a damaged cache directory (flipped bytes, truncated files, garbage) still reads the right bytes; only damaged pages are fetched', async () => {
    const dir = freshDir();
    const original = (await readAll('c.bin', fileCache(dir))).bytes;
    const files = readdirSync(dir).filter((f) => f.endsWith('.pmc')).sort().map((f) => join(dir, f));
    const damaged = files.slice(0, 6);
    damaged.forEach((file, i) => {
      if (i % 3 === 0) truncateSync(file, statSync(file).size >> 1);
      else if (i % 3 === 1) writeFileSync(file, 'garbage');
      else {
        const b = readFileSync(file);
        b[b.length - 100] ^= 0x55;
        writeFileSync(file, b);
      }
    });
    const after = await readAll('c.bin', fileCache(dir));
    expect(equal(after.bytes, original)).toBe(true);
    expect(after.stats.cacheHits).toBe(PAGES - damaged.length);
    expect(after.requests.length).toBeGreaterThanOrEqual(2); // the probe and at least one refetch
    // The damaged entries were replaced: a third map needs nothing but the probe again.
    const third = await readAll('c.bin', fileCache(dir));
    expect(equal(third.bytes, original)).toBe(true);
    expect(third.requests).toHaveLength(1);
  });

  test('a small maxBytes keeps the directory within it while maps read more than it holds', async () => {
    const dir = freshDir();
    const maxBytes = 5 * PAGE;
    const { bytes } = await readAll('d.bin', fileCache(dir, { maxBytes }));
    expect(equal(bytes, readFileSync(nginx.file('d.bin')))).toBe(true);
    const onDisk = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(onDisk).toBeLessThanOrEqual(maxBytes);
    expect(onDisk).toBeGreaterThan(3 * PAGE);
  });
});

describe('memoryCache() under openMapAsync over nginx', () => {
  test('shared by two maps: the second makes no request beyond the probe, and stats().cacheHits counts its pages', async () => {
    const cache = memoryCache();
    const first = await readAll('e.bin', cache);
    const second = await readAll('e.bin', cache);
    expect(equal(second.bytes, first.bytes)).toBe(true);
    expect(equal(first.bytes, readFileSync(nginx.file('e.bin')))).toBe(true);
    expect(second.requests).toHaveLength(1);
    expect(second.stats.cacheHits).toBe(PAGES);
  });

  test('two maps open at once share pages as soon as they are put', async () => {
    const cache = memoryCache();
    const url = nginx.url('/files/e.bin');
    const a = await openMapAsync(url, { cache });
    const b = await openMapAsync(url, { cache });
    await a.read(0, SIZE);
    await a.close(); // its puts have settled
    const mark = nginx.mark();
    const bytes = await b.read(0, SIZE);
    expect(b.stats().cacheHits).toBe(PAGES);
    await b.close();
    expect(rangeGets(await nginx.since(mark))).toHaveLength(0);
    expect(equal(bytes, readFileSync(nginx.file('e.bin')))).toBe(true);
  });

  test('a pageSize other than the cached one names other pages: nothing wrong is read', async () => {
    const cache = memoryCache();
    await readAll('e.bin', cache);
    const other = await readAll('e.bin', cache, { pageSize: 16 * 1024 });
    expect(other.stats.cacheHits).toBe(0);
    expect(equal(other.bytes, readFileSync(nginx.file('e.bin')))).toBe(true);
  });
});
