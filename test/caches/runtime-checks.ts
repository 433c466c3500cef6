/**
 * What the runtime harnesses (Chromium, workerd) run with a built-in cache: map one
 * object of the host's nginx twice through a cache (the second time through a new
 * cache object over the same storage, as after a restart), optionally damage the
 * stored entries and map it a third time, and report the bytes' equality, the Range
 * requests nginx saw and the pages the cache served. No node:* imports, no jest.
 */
import type { AsyncMemoryMap, PageCache } from '../../src/types.js';
import type { RemoteFixture } from '../async/harness.js';

export const CACHE_REPORT_PREFIX = 'CACHE_REPORT ';
export const OBJECT = 'small.bin';

export interface PassReport {
  equal: boolean;
  /** Range GETs nginx logged for this pass (the probe is one). */
  ranges: number;
  cacheHits: number;
  pages: number;
}

export interface CacheReport {
  name: string;
  passes: PassReport[];
  error?: string;
}

export interface CacheUnderTest {
  name: string;
  make(): PageCache;
  /** Damages every stored entry, for a third pass that must still read the right bytes. */
  damage?(): Promise<void>;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function pass(fixture: RemoteFixture, cache: PageCache, expected: Uint8Array): Promise<PassReport> {
  const mark = await fixture.mark();
  const map: AsyncMemoryMap = await fixture.open(fixture.url(OBJECT), { cache });
  const bytes = await map.read(0, map.byteLength);
  const { cacheHits } = map.stats();
  const pages = Math.ceil(map.byteLength / (64 * 1024));
  await map.close(); // settles after the cache writes it started
  const ranges = (await fixture.requests(mark)).filter((r) => r.method === 'GET' && r.range !== '').length;
  return { equal: same(bytes, expected), ranges, cacheHits, pages };
}

export async function checkCaches(fixture: RemoteFixture, caches: CacheUnderTest[]): Promise<CacheReport[]> {
  const expected = await fixture.bytes(OBJECT);
  const reports: CacheReport[] = [];
  for (const c of caches) {
    const report: CacheReport = { name: c.name, passes: [] };
    try {
      report.passes.push(await pass(fixture, c.make(), expected));
      report.passes.push(await pass(fixture, c.make(), expected));
      if (c.damage) {
        await c.damage();
        report.passes.push(await pass(fixture, c.make(), expected));
      }
    } catch (error) {
      report.error = String((error as Error)?.stack ?? error);
    }
    reports.push(report);
  }
  return reports;
}
