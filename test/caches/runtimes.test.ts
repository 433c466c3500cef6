/**
 * The browser and workerd caches in their runtimes, against the host's real nginx:
 * opfsCache, cacheStorageCache and memoryCache in headless Chromium, cacheStorageCache
 * and memoryCache in workerd (runtime-checks.ts runs inside; this checks its report).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer, type ControlServer } from '../async/control-server.js';
import { bundleFor, ROOT } from '../runtimes/bundle.js';
import { spawnAsync } from '../runtimes/run-runtime.js';
import { workerdTest } from '../runtimes/workerd-test.js';
import { RESULT_PREFIX } from '../conformance/run-cases.js';
import { CACHE_REPORT_PREFIX, type CacheReport } from './runtime-checks.js';

function reportsIn(output: string, prefix: string): CacheReport[] {
  const line = output.split('\n').find((l) => l.includes(prefix));
  if (line === undefined) throw new Error(`no report in the output:\n${output.slice(-3000)}`);
  return JSON.parse(line.slice(line.indexOf(prefix) + prefix.length)) as CacheReport[];
}

function report(reports: CacheReport[], name: string): CacheReport {
  const found = reports.find((r) => r.name === name);
  expect(found?.error).toBeUndefined();
  return found!;
}

/** Both passes read the right bytes; the second (a new cache object over the same storage) needed only the probe. */
function expectServedFromCache(r: CacheReport): void {
  const [first, second] = r.passes;
  expect(first).toMatchObject({ equal: true, cacheHits: 0 });
  expect(first.ranges).toBeGreaterThanOrEqual(2);
  expect(second).toMatchObject({ equal: true, ranges: 1, cacheHits: second.pages });
}

/** After every entry was damaged, the third pass still read the right bytes, fetching every page again. */
function expectDamageRefetched(r: CacheReport): void {
  const third = r.passes[2];
  expect(third).toMatchObject({ equal: true, cacheHits: 0 });
  expect(third.ranges).toBeGreaterThanOrEqual(2);
}

describe('the built-in caches in other runtimes', () => {
  let control: ControlServer;
  beforeAll(async () => {
    control = await startControlServer({
      'index.html': '<!doctype html><script type="module" src="./main.js"></script>',
      'main.js': await bundleFor('browser', 'test/caches/browser-main.ts'),
    });
  });
  afterAll(() => control?.close());

  test('Chromium: opfsCache, cacheStorageCache and memoryCache serve a second map from the cache; damaged entries are refetched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-chromium-caches-'));
    try {
      // The host serves DIR; the page comes from the control server (a secure context on 127.0.0.1, so OPFS and caches exist).
      writeFileSync(join(dir, 'index.html'), `<!doctype html><script>location.href = ${JSON.stringify(`${control.origin}/app/index.html`)}</script>`);
      const output = await spawnAsync(process.execPath, [join(ROOT, 'test/runtimes/chromium-host.mjs'), dir], { timeout: 240_000 });
      const reports = reportsIn(output, RESULT_PREFIX);
      for (const name of ['opfsCache', 'cacheStorageCache', 'memoryCache']) expectServedFromCache(report(reports, name));
      expectDamageRefetched(report(reports, 'opfsCache'));
      expectDamageRefetched(report(reports, 'cacheStorageCache'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('workerd: cacheStorageCache and a module-scope memoryCache serve a second map from the cache', async () => {
    const reports = reportsIn(await workerdTest('test/caches/workerd-main.ts', { CONTROL: control.origin }), CACHE_REPORT_PREFIX);
    expectServedFromCache(report(reports, 'memoryCache'));
    expectServedFromCache(report(reports, 'cacheStorageCache'));
  });
});
