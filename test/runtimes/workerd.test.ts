/** The conformance cases inside Cloudflare's workerd (`workerd test`), the pager imported as a compiled module. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, ROOT } from './bundle.js';
import { expectEveryCase, runRuntime } from './run-runtime.js';

/** A workerd config: the bundle and the pager as modules; nodejs_compat as workers have it by default now. */
export function workerdConfig(main: string, extra = ''): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .worker)${extra ? `, ${extra}` : ''}]);
const worker :Workerd.Worker = (
  modules = [(name = "main.mjs", esModule = embed "${main}"), (name = "pager.wasm", wasm = embed "pager.wasm")],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["nodejs_compat"],
);
`;
}

describe('workerd', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  expectEveryCase(
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'portable-mmap-workerd-'));
      const code = await bundle({ entry: 'test/runtimes/workerd-worker.ts', conditions: ['workerd', 'worker', 'browser'], format: 'esm', wasm: 'external' });
      writeFileSync(join(dir, 'main.mjs'), code);
      copyFileSync(join(ROOT, 'dist', 'pager.wasm'), join(dir, 'pager.wasm'));
      writeFileSync(join(dir, 'config.capnp'), workerdConfig('main.mjs'));
      return runRuntime(join(ROOT, 'node_modules', '.bin', 'workerd'), ['test', '--verbose', 'config.capnp'], { cwd: dir });
    },
    ['Uint8Array, wasm identity', 'Uint8Array, wasm windowed'],
  );
});
