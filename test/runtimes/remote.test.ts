/**
 * The remote-map cases inside workerd and Chromium, against the host's real nginx, and
 * examples/edge-worker.mjs answering a request in workerd and in edge-runtime.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allAsyncCases } from '../async/cases/index.js';
import { startControlServer, type ControlServer } from '../async/control-server.js';
import { SEEDS } from '../async/cases/seeds.js';
import { bundleFor, ROOT } from './bundle.js';
import { execFileSync } from 'node:child_process';
import { expectReport, parseRun, spawnAsync, type RuntimeRun } from './run-runtime.js';
import { workerdTest } from './workerd-test.js';

function expectAllPassed(run: RuntimeRun): void {
  console.log(`${run.detected.runtime}: ${run.detected.backend} — ${run.detected.reason}`);
  // The async fixtures declare no capabilities and no async case needs one: nothing may be skipped.
  expectReport(run.results[0], allAsyncCases, {});
}

/** What the edge worker must answer for ?offset=1000&length=5000 of big.bin. */
function expectedEdgeAnswer(): string {
  const bytes = SEEDS['big.bin'].bytes();
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return JSON.stringify({ status: 200, length: String(bytes.length), tail: hex(bytes.subarray(bytes.length - 8)), body: hex(bytes.subarray(1000, 6000)) });
}

describe('remote maps in other runtimes', () => {
  let control: ControlServer;
  let nginx: string;
  beforeAll(async () => {
    control = await startControlServer({
      'index.html': '<!doctype html><script type="module" src="./main.js"></script>',
      'main.js': await bundleFor('browser', 'test/runtimes/browser-remote-main.ts'),
    });
    nginx = (await (await fetch(`${control.origin}/info`)).json()).nginx;
  });
  afterAll(() => control.close());

  test('workerd: every remote-map case passes against nginx', async () => {
    expectAllPassed(parseRun(await workerdTest('test/runtimes/workerd-remote.ts', { CONTROL: control.origin }), 'workerd'));
  });

  test('Chromium: every remote-map case passes against nginx, cross-origin with CORS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-chromium-remote-'));
    try {
      // The host serves DIR; the page itself comes from the control server, so point DIR's index at it.
      writeFileSync(join(dir, 'index.html'), `<!doctype html><script>location.href = ${JSON.stringify(`${control.origin}/app/index.html`)}</script>`);
      const host = join(ROOT, 'test/runtimes/chromium-host.mjs');
      expectAllPassed(parseRun(await spawnAsync(process.execPath, [host, dir], { timeout: 240_000 }), 'Chromium'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('examples/edge-worker.mjs in workerd streams a slice of the remote object', async () => {
    const output = await workerdTest('test/runtimes/workerd-edge-worker.ts', { DATA_URL: `${nginx}/files/big.bin` });
    const line = output.split('\n').find((l) => l.includes('EDGE_WORKER '));
    expect(line?.slice(line.indexOf('EDGE_WORKER ') + 12)).toBe(expectedEdgeAnswer());
  });

  test('examples/edge-worker.mjs in edge-runtime (Vercel Edge) streams the same slice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-edge-remote-'));
    try {
      const code = await bundleFor('edge-light', 'test/runtimes/edge-runtime-edge-worker.ts');
      writeFileSync(join(dir, 'bundle.js'), code);
      const request = { url: 'http://localhost/?offset=1000&length=5000', headers: { 'x-data-url': `${nginx}/files/big.bin` } };
      const out = execFileSync(process.execPath, [join(ROOT, 'test/runtimes/edge-host.mjs'), join(dir, 'bundle.js'), JSON.stringify(request)], { encoding: 'utf8', timeout: 120_000 });
      expect(out.trim()).toBe(`EDGE_WORKER ${expectedEdgeAnswer()}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
