/** The conformance cases inside the edge-runtime package's vm (Vercel Edge), through the edge-light entry. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFor, ROOT } from './bundle.js';
import { BYTES, BYTES_WINDOWED, expectEveryCase, runRuntime } from './run-runtime.js';

describe('edge-runtime', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  expectEveryCase(
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'portable-mmap-edge-'));
      const code = await bundleFor('edge-light', 'test/runtimes/edge-entry.ts');
      writeFileSync(join(dir, 'bundle.js'), code);
      return runRuntime(process.execPath, [join(ROOT, 'test/runtimes/edge-host.mjs'), join(dir, 'bundle.js')]);
    },
    { 'Uint8Array, wasm identity': BYTES, 'Uint8Array, wasm windowed': BYTES_WINDOWED },
  );
});
