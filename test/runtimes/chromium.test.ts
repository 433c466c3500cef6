/** Headless Chromium (Debian's, through playwright-core): the main thread, and a dedicated worker with OPFS and Blob sources. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFor, ROOT } from './bundle.js';
import { BYTES, BYTES_WINDOWED, expectEveryCase, expectReport, FILES, FILES_WINDOWED, runRuntime, type RuntimeRun } from './run-runtime.js';
import { blobCases } from './browser-fixtures.js';

describe('Chromium', () => {
  let dir: string;
  let run: RuntimeRun;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  expectEveryCase(
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'portable-mmap-chromium-'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
      writeFileSync(join(dir, 'main.js'), await bundleFor('browser', 'test/runtimes/browser-main.ts'));
      writeFileSync(join(dir, 'worker.js'), await bundleFor('browser', 'test/runtimes/browser-worker.ts'));
      run = runRuntime(process.execPath, [join(ROOT, 'test/runtimes/chromium-host.mjs'), dir], { timeout: 180_000 });
      return run;
    },
    {
      'Uint8Array, wasm identity': BYTES,
      'Uint8Array, wasm windowed': BYTES_WINDOWED,
      'OPFS sync access handle, wasm identity': FILES,
      'OPFS sync access handle, wasm windowed': FILES_WINDOWED,
    },
  );

  test('the read-only cases pass over a Blob read with FileReaderSync', () => {
    const blob = run.results.find((r) => r.fixture === 'Blob (FileReaderSync), wasm');
    expectReport(blob, blobCases(), BYTES);
  });
});
