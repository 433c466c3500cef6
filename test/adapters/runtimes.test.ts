/**
 * asAsyncBuffer (through examples/parquet-edge.mjs) and asFetch inside workerd and
 * Chromium, bundled as wrangler and a browser bundler would, against a real nginx
 * serving a Parquet file made by hyparquet-writer (cross-origin, with CORS, for the page).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { bundleFor, ROOT } from '../runtimes/bundle.js';
import { spawnAsync } from '../runtimes/run-runtime.js';
import { workerdTest } from '../runtimes/workerd-test.js';
import { parquetFile } from './fixtures.js';

const ROWS = 20_000;
const parquet = parquetFile(ROWS);
let nginx: Nginx;
beforeAll(async () => {
  nginx = await startNginx((root) => writeFileSync(join(root, 'files', 'table.parquet'), parquet.bytes));
});
afterAll(() => nginx?.stop());

/** The two lines runtime-checks.ts prints, as they must read for this file. */
function expectChecks(output: string): void {
  const edge = /^PARQUET_EDGE 200 (.*)$/m.exec(output);
  expect(edge).not.toBeNull();
  const answer = JSON.parse(edge![1]) as { rows: number; column: string; values: number[]; fileBytes: number; fetchedBytes: number };
  expect(answer).toMatchObject({ rows: ROWS, column: 'c3', values: Array.from(parquet.columns[3].subarray(100, 105)), fileBytes: parquet.bytes.length });
  console.log(`parquet-edge: ${answer.fetchedBytes} of ${answer.fileBytes} bytes fetched for five rows of one column`);
  expect(answer.fetchedBytes).toBeLessThan(answer.fileBytes);
  const viaFetch = /^AS_FETCH (.*)$/m.exec(output);
  expect(viaFetch).not.toBeNull();
  expect(JSON.parse(viaFetch![1])).toEqual({ backend: 'wasm', values: Array.from(parquet.columns[5].subarray(7, 10)) });
}

test('workerd: examples/parquet-edge.mjs answers a query, and hyparquet reads through asFetch', async () => {
  expectChecks(await workerdTest('test/adapters/workerd-entry.ts', { DATA_URL: nginx.url('/files/table.parquet') }));
}, 240_000);

test('Chromium: the same, from a page on another origin than nginx', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-chromium-adapters-'));
  try {
    writeFileSync(join(dir, 'main.js'), await bundleFor('browser', 'test/adapters/browser-entry.ts'));
    copyFileSync(join(ROOT, 'dist', 'pager.wasm'), join(dir, 'pager.wasm'));
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><pre id="out"></pre><script>globalThis.DATA_URL = ${JSON.stringify(nginx.url('/files/table.parquet'))}</script><script type="module" src="./main.js"></script>`,
    );
    expectChecks(await spawnAsync(process.execPath, [join(ROOT, 'test/runtimes/chromium-host.mjs'), dir, '#out[data-done]'], { timeout: 240_000 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);
