/**
 * fileCache() in Deno or Bun, unbundled (`portable-mmap` resolves through the package's
 * exports with the runtime's condition): maps of a Blob through a cache directory,
 * a "restart" (a new fileCache over it), damaged entries, and the maxBytes bound on
 * disk. With the argument `permissions` it reports only what fileCache() throws.
 * Prints one CACHE_REPORT line for file-cache-runtimes.test.ts.
 */
import { fileCache, openMapAsync, type PageCache } from 'portable-mmap';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAGE = 64 * 1024;
const SIZE = 4 * PAGE + 777;
const PAGES = Math.ceil(SIZE / PAGE);
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => (i * 31 + (i >> 9)) & 255);
const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);

const equal = (a: Uint8Array) => a.length === bytes.length && a.every((b, i) => b === bytes[i]);
const entries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.pmc')).map((f) => join(dir, f));

async function pass(cache: PageCache) {
  const map = await openMapAsync(new Blob([bytes]), { cache, cacheKey: 'blob-object' });
  const read = await map.read(0, map.byteLength);
  const { cacheHits } = map.stats();
  await map.close();
  return { equal: equal(read), cacheHits };
}

async function report(): Promise<unknown> {
  const root = mkdtempSync(join(tmpdir(), 'portable-mmap-cache-runtime-'));
  try {
    const dir = join(root, 'pages');
    const first = await pass(fileCache(dir));
    const second = await pass(fileCache(dir));
    for (const file of entries(dir)) {
      const stored = readFileSync(file);
      stored[stored.length - 1] ^= 0x80;
      writeFileSync(file, stored);
    }
    const damaged = await pass(fileCache(dir));
    const again = await pass(fileCache(dir));
    const small = join(root, 'small');
    const maxBytes = 2 * PAGE + 500;
    const bounded = await pass(fileCache(small, { maxBytes }));
    const onDisk = readdirSync(small).reduce((sum, f) => sum + statSync(join(small, f)).size, 0);
    return { pages: PAGES, first, second, damaged, again, bounded: { ...bounded, onDisk, maxBytes } };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return 'ok';
  } catch (error) {
    const e = error as { code?: string; permission?: string; name?: string };
    return { code: e.code, permission: e.permission, name: e.name };
  }
}

const result = args[0] === 'permissions' ? { fileCache: thrown(() => fileCache(join(tmpdir(), 'portable-mmap-denied'))) } : await report();
console.log('CACHE_REPORT ' + JSON.stringify(result));
