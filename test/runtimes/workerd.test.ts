/** The conformance cases inside Cloudflare's workerd (`workerd test`), the pager imported as a compiled module. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFor, ROOT } from './bundle.js';
import { BYTES, BYTES_WINDOWED, expectEveryCase, runRuntime } from './run-runtime.js';
import { workerdConfig } from './workerd-config.js';

describe('workerd', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  expectEveryCase(
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'portable-mmap-workerd-'));
      const code = await bundleFor('workerd', 'test/runtimes/workerd-worker.ts');
      writeFileSync(join(dir, 'main.mjs'), code);
      copyFileSync(join(ROOT, 'dist', 'pager.wasm'), join(dir, 'pager.wasm'));
      writeFileSync(join(dir, 'config.capnp'), workerdConfig({ main: 'main.mjs' }));
      return runRuntime(join(ROOT, 'node_modules', '.bin', 'workerd'), ['test', '--verbose', 'config.capnp'], { cwd: dir });
    },
    { 'Uint8Array, wasm identity': BYTES, 'Uint8Array, wasm windowed': BYTES_WINDOWED },
  );
});
