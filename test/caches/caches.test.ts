/**
 * memoryCache() and fileCache() on their own: round trips, misses, the maxBytes bound
 * (measured on disk), LRU order, damaged entries, concurrent writers, restarts and
 * crashed writes. Real files in a temp directory; nothing is mocked.
 */
import { readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheStorageCache, fileCache, memoryCache, opfsCache, type PageCache } from '../../src/entries/node.js';
import { HEADER_BYTES } from '../../src/caches/entry.js';
import { platform, registerPlatform } from '../../src/platforms/registry.js';
import { tempFiles } from '../helpers/temp-files.js';

const temp = tempFiles('caches');
afterAll(() => temp.cleanup());
let dirs = 0;
const freshDir = () => join(temp.dir, `d${++dirs}`);

const page = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed * 13) & 255);
const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b));
const key = (i: number) => `portable-mmap/1\nhttps://example.test/object.bin\n"v1"\n1048576\n4096\n${i}`;
const KEY_BYTES = new TextEncoder().encode(key(0)).length;
/** The stored size of a 4 KiB page under key(i < 10). */
const ENTRY = HEADER_BYTES + KEY_BYTES + 4096;

function entryFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.pmc'));
}
function bytesOnDisk(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

describe.each([
  ['memoryCache', (maxBytes?: number) => memoryCache(maxBytes === undefined ? undefined : { maxBytes })],
  ['fileCache', (maxBytes?: number) => fileCache(freshDir(), maxBytes === undefined ? undefined : { maxBytes })],
] as const)('%s()', (_name, make) => {
  test('a page put is got back; a key never put is a miss', async () => {
    const cache = make();
    await cache.put(key(1), page(4096, 1));
    expect(same(await cache.get(key(1)), page(4096, 1))).toBe(true);
    expect(await cache.get(key(2))).toBeUndefined();
  });

  test('what put() was given can change afterwards without changing the entry', async () => {
    const cache = make();
    const bytes = page(4096, 3);
    await cache.put(key(1), bytes);
    bytes.fill(0);
    expect(same(await cache.get(key(1)), page(4096, 3))).toBe(true);
  });

  test('maxBytes bounds what is kept, least recently used first; a got entry survives', async () => {
    const cache = make(3 * ENTRY);
    for (const i of [0, 1, 2]) await cache.put(key(i), page(4096, i));
    expect(await cache.get(key(0))).toBeDefined(); // now 1 is the oldest
    await cache.put(key(3), page(4096, 3));
    expect(await cache.get(key(1))).toBeUndefined();
    for (const i of [0, 2, 3]) expect(same(await cache.get(key(i)), page(4096, i))).toBe(true);
  });

  test('an entry larger than maxBytes is not kept, and evicts nothing', async () => {
    const cache = make(ENTRY);
    await cache.put(key(0), page(4096, 0));
    await cache.put(key(1), page(8192, 1));
    expect(await cache.get(key(1))).toBeUndefined();
    expect(same(await cache.get(key(0)), page(4096, 0))).toBe(true);
  });

  test('concurrent puts of one key leave one whole entry', async () => {
    const cache = make();
    await Promise.all(Array.from({ length: 8 }, (_, i) => cache.put(key(5), page(4096, 100 + i))));
    const got = await cache.get(key(5));
    expect(Array.from({ length: 8 }, (_, i) => same(got, page(4096, 100 + i))).filter(Boolean)).toHaveLength(1);
  });

  test('a bad maxBytes or options value is an argument error', () => {
    const bad = (options: unknown) => () => (_name === 'memoryCache' ? memoryCache(options as never) : fileCache(freshDir(), options as never));
    expect(bad({ maxBytes: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(bad({ maxBytes: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(bad({ maxBytes: '1' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(bad(7)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('memoryCache()', () => {
  test('a caller writing into bytes get() returned damages only that entry: the next get() misses', () => {
    const cache = memoryCache();
    cache.put(key(0), page(4096, 0));
    cache.put(key(1), page(4096, 1));
    (cache.get(key(0)) as Uint8Array)[10] ^= 1;
    expect(cache.get(key(0))).toBeUndefined();
    expect(same(cache.get(key(1)) as Uint8Array, page(4096, 1))).toBe(true);
  });

  test('answers synchronously (nothing but resolved bytes is kept, as workerd needs across requests)', () => {
    const cache: PageCache = memoryCache();
    expect(cache.put(key(0), page(100, 0))).toBeUndefined();
    expect(cache.get(key(0))).toBeInstanceOf(Uint8Array);
  });
});

describe('fileCache()', () => {
  test('the directory stays within maxBytes after many puts', async () => {
    const dir = freshDir();
    const cache = fileCache(dir, { maxBytes: 10 * ENTRY + 100 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => cache.put(key(i % 10) + `-${i}`, page(4096, i))));
    for (let i = 60; i < 100; i++) await cache.put(key(i % 10) + `-${i}`, page(4096, i));
    expect(bytesOnDisk(dir)).toBeLessThanOrEqual(10 * ENTRY + 100);
    expect(entryFiles(dir).length).toBeGreaterThanOrEqual(9);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a new fileCache over the same directory (a restart) sees the entries, in their LRU order', async () => {
    const dir = freshDir();
    const first = fileCache(dir);
    for (const i of [0, 1, 2]) await first.put(key(i), page(4096, i));
    const files = entryFiles(dir).map((f) => join(dir, f));
    // Order them by mtime explicitly (they were written within one clock tick), 0 the oldest.
    const order = [0, 1, 2].map((i) => files.find((f) => readFileSync(f).includes(Buffer.from(key(i))))!);
    order.forEach((f, i) => utimesSync(f, new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i)));
    expect(same(await fileCache(dir).get(key(0)), page(4096, 0))).toBe(true); // a hit touches the file
    const restarted = fileCache(dir, { maxBytes: 3 * ENTRY });
    await restarted.put(key(3), page(4096, 3));
    expect(await restarted.get(key(1))).toBeUndefined(); // 1 was the least recently used
    for (const i of [0, 2, 3]) expect(same(await restarted.get(key(i)), page(4096, i))).toBe(true);
  });

  test.each([
    ['a flipped byte', (f: string) => { const b = readFileSync(f); b[b.length >> 1] ^= 0xff; writeFileSync(f, b); }],
    ['a flipped header byte', (f: string) => { const b = readFileSync(f); b[13] ^= 0x01; writeFileSync(f, b); }],
    ['truncation', (f: string) => truncateSync(f, statSync(f).size - 1)],
    ['truncation to nothing', (f: string) => truncateSync(f, 0)],
    ['garbage', (f: string) => writeFileSync(f, 'not a cache entry at all')],
  ])('an entry damaged by %s reads as a miss, is removed, and is stored again', async (_what, damage) => {
    const dir = freshDir();
    const cache = fileCache(dir);
    for (const i of [0, 1]) await cache.put(key(i), page(4096, i));
    for (const f of entryFiles(dir)) damage(join(dir, f));
    expect(await cache.get(key(0))).toBeUndefined();
    expect(await fileCache(dir).get(key(1))).toBeUndefined(); // a restarted cache, too
    expect(entryFiles(dir)).toEqual([]);
    await cache.put(key(0), page(4096, 0));
    expect(same(await cache.get(key(0)), page(4096, 0))).toBe(true);
  });

  test("another key's entry under the name (a hash collision) is a miss and is left alone", async () => {
    const dir = freshDir();
    const cache = fileCache(dir);
    await cache.put(key(0), page(4096, 0));
    await cache.put(key(1), page(4096, 1));
    const [a, b] = entryFiles(dir);
    const swapped = readFileSync(join(dir, a));
    writeFileSync(join(dir, a), readFileSync(join(dir, b)));
    writeFileSync(join(dir, b), swapped);
    expect(await cache.get(key(0))).toBeUndefined();
    expect(await cache.get(key(1))).toBeUndefined();
    expect(entryFiles(dir)).toHaveLength(2);
  });

  test("a crashed write's temp file is removed once stale and never read; other files are left alone", async () => {
    const dir = freshDir();
    await fileCache(dir).put(key(0), page(4096, 0));
    const [entry] = entryFiles(dir);
    const name = entry.slice(0, 16);
    writeFileSync(join(dir, `${name}.deadbeef.tmp`), 'half a write');
    utimesSync(join(dir, `${name}.deadbeef.tmp`), new Date(2020, 0, 1), new Date(2020, 0, 1));
    writeFileSync(join(dir, `${name}.fresh1.tmp`), 'a write in flight');
    writeFileSync(join(dir, 'README'), 'mine');
    const restarted = fileCache(dir);
    expect(same(await restarted.get(key(0)), page(4096, 0))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([entry, `${name}.fresh1.tmp`, 'README'].sort());
  });

  test('dir must be a non-empty string', () => {
    expect(() => fileCache(1 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => fileCache(undefined as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => fileCache('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  test('a directory that cannot be made: get() misses, put() rejects with the OS error', async () => {
    const file = temp.file('plain-file', 'x');
    const cache = fileCache(join(file, 'sub'));
    expect(await cache.get(key(0))).toBeUndefined();
    await expect(cache.put(key(0), page(10, 0))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  test('in a runtime without cache directories (browsers, workerd) it throws ERR_MMAP_BACKEND_UNAVAILABLE', () => {
    const files = platform().cacheFiles;
    registerPlatform({ cacheFiles: undefined });
    try {
      expect(() => fileCache(freshDir())).toThrow(expect.objectContaining({ name: 'MmapError', code: 'ERR_MMAP_BACKEND_UNAVAILABLE' }));
    } finally {
      registerPlatform({ cacheFiles: files });
    }
  });
});

describe('the browser caches under Node', () => {
  test('opfsCache() and cacheStorageCache() throw ERR_MMAP_BACKEND_UNAVAILABLE where their API is missing', () => {
    expect(() => opfsCache('pages')).toThrow(expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE' }));
    expect(() => cacheStorageCache('pages')).toThrow(expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE' }));
  });

  test('their names are checked first', () => {
    expect(() => opfsCache(3 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => opfsCache('a/b')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => opfsCache('p', { maxBytes: -2 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => cacheStorageCache('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
