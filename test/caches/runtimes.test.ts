/**
 * The browser and workerd caches in their runtimes, against the host's real nginx:
 * opfsCache, cacheStorageCache and memoryCache in headless Chromium, cacheStorageCache
 * and memoryCache in workerd (runtime-checks.ts runs inside; this checks its report).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer, type ControlServer } from '../async/control-server.js';
import { bundleFor, ROOT } from '../runtimes/bundle.js';
import { spawnAsync } from '../runtimes/run-runtime.js';
import { workerdConfig } from '../runtimes/workerd-config.js';
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

/**
 * A cache service for workerd's Cache API (the Worker's `cacheApiOutbound`): workerd
 * has no cache of its own, and sends every cache call to that service as HTTP:
 * match is a GET answered with `Cf-Cache-Status: HIT` and the stored response (or
 * `MISS`), put is a PUT whose body is the response serialised as HTTP/1.1, delete is
 * a PURGE. Entries are kept per namespace (`Cf-Cache-Namespaces`, set by caches.open).
 */
interface CacheService {
  address: string;
  counts: { puts: number; hits: number; misses: number; purges: number };
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function startCacheService(): Promise<CacheService> {
  const stored = new Map<string, Buffer>();
  const counts = { puts: 0, hits: 0, misses: 0, purges: 0 };
  const server = createServer((req, res) => {
    const key = `${req.headers['cf-cache-namespaces'] ?? ''} ${req.headers.host}${req.url}`;
    void (async () => {
      if (req.method === 'PUT') {
        stored.set(key, await bodyOf(req));
        counts.puts++;
        return void res.writeHead(204).end();
      }
      if (req.method === 'PURGE') {
        counts.purges++;
        return void res.writeHead(stored.delete(key) ? 200 : 404).end();
      }
      const entry = stored.get(key);
      if (entry === undefined) {
        counts.misses++;
        return void res.writeHead(504, { 'cf-cache-status': 'MISS' }).end();
      }
      counts.hits++;
      const split = entry.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = entry.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = { 'cf-cache-status': 'HIT' };
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).trim().toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      res.writeHead(Number(statusLine.split(' ')[1]), headers).end(entry.subarray(split + 4));
    })().catch((error) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `workerd test` of `entry` with the Cache API routed to `cache` (workerd-test.ts's runner, plus cacheApiOutbound). */
async function workerdWithCache(entry: string, bindings: Record<string, string>, cache: CacheService): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-workerd-caches-'));
  try {
    writeFileSync(join(dir, 'main.mjs'), await bundleFor('workerd', entry));
    copyFileSync(join(ROOT, 'dist', 'pager.wasm'), join(dir, 'pager.wasm'));
    const config = workerdConfig({ main: 'main.mjs', bindings, localNetwork: true })
      .replace('services = [', `services = [(name = "cache", external = (address = ${JSON.stringify(cache.address)}, http = ())), `)
      .replace('globalOutbound = "internet",', 'globalOutbound = "internet",\n  cacheApiOutbound = "cache",');
    writeFileSync(join(dir, 'config.capnp'), config);
    return await spawnAsync(join(ROOT, 'node_modules', '.bin', 'workerd'), ['test', '--verbose', 'config.capnp'], { cwd: dir, timeout: 240_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the built-in caches in other runtimes', () => {
  let control: ControlServer;
  beforeAll(async () => {
    control = await startControlServer({
      'index.html': '<!doctype html><script type="module" src="./main.js"></script>',
      'main.js': await bundleFor('browser', 'test/caches/browser-main.ts'),
      'worker.js': await bundleFor('browser', 'test/caches/browser-worker.ts'),
    });
  });
  afterAll(() => control?.close());

  test('Chromium (page and worker): opfsCache, cacheStorageCache and memoryCache serve a second map from the cache; damaged entries are refetched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-chromium-caches-'));
    try {
      // The host serves DIR; the page comes from the control server (a secure context on 127.0.0.1, so OPFS and caches exist).
      writeFileSync(join(dir, 'index.html'), `<!doctype html><script>location.href = ${JSON.stringify(`${control.origin}/app/index.html`)}</script>`);
      const output = await spawnAsync(process.execPath, [join(ROOT, 'test/runtimes/chromium-host.mjs'), dir], { timeout: 240_000 });
      const reports = reportsIn(output, RESULT_PREFIX);
      for (const name of ['opfsCache', 'cacheStorageCache', 'memoryCache', 'opfsCache (worker)', 'cacheStorageCache (worker)']) {
        expectServedFromCache(report(reports, name));
      }
      expect(reports.find((r) => r.name === 'worker')?.error).toBeUndefined();
      expectDamageRefetched(report(reports, 'opfsCache'));
      expectDamageRefetched(report(reports, 'cacheStorageCache'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('workerd: cacheStorageCache and a module-scope memoryCache serve a second map from the cache', async () => {
    const cache = await startCacheService();
    try {
      const reports = reportsIn(await workerdWithCache('test/caches/workerd-main.ts', { CONTROL: control.origin }, cache), CACHE_REPORT_PREFIX);
      expectServedFromCache(report(reports, 'memoryCache'));
      expectServedFromCache(report(reports, 'cacheStorageCache'));
      const pages = report(reports, 'cacheStorageCache').passes[0].pages;
      expect(cache.counts).toMatchObject({ puts: pages, hits: pages }); // every page went through workerd's Cache API
    } finally {
      await cache.close();
    }
  });
});
