/** Every runtime's example in examples/ runs as written and prints what it should. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFor, ROOT } from './bundle.js';

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = (command: string, args: string[], cwd = ROOT) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });

describe('examples', () => {
  test('examples/deno.ts: the wasm pager over a file, no --allow-ffi', () => {
    const out = run(bin('deno'), ['run', '--no-lock', '--no-prompt', '--allow-read', '--allow-write', 'examples/deno.ts']);
    expect(out).toContain('backend: wasm (Deno: native addons need --allow-ffi; using the wasm pager)');
    expect(out).toContain('errors: 2 of 4 lines');
    expect(out).toContain('first line now: WARN start');
  });

  test('examples/bun.ts: real mappings through Node-API', () => {
    const out = run(bin('bun'), ['examples/bun.ts']);
    expect(out).toContain('backend: native');
    expect(out).toContain('view: 210,4,0,0');
    expect(out).toContain('on disk: 1234');
  });

  test('examples/workerd: bundled as wrangler would, run by workerd', () => {
    run(process.execPath, ['examples/workerd/build.mjs']);
    const out = run(bin('workerd'), ['test', '--verbose', 'examples/workerd/config.capnp']);
    expect(out).toContain('{"backend":"wasm","bytes":18,"found":8}');
  });

  test('examples/edge/handler.ts: a Vercel Edge function in edge-runtime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-edge-example-'));
    try {
      const code = await bundleFor('edge-light', 'test/runtimes/edge-example-entry.ts');
      writeFileSync(join(dir, 'bundle.js'), code);
      const out = run(process.execPath, [join(ROOT, 'test/runtimes/edge-host.mjs'), join(dir, 'bundle.js'), JSON.stringify({ url: 'http://localhost/', method: 'POST', body: 'one\ntwo\nthree\n' })]);
      expect(out.trim()).toBe('three\ntwo\none');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('examples/browser: OPFS from a dedicated worker in Chromium', () => {
    run(process.execPath, ['examples/browser/build.mjs']);
    const out = run(process.execPath, [join(ROOT, 'test/runtimes/chromium-host.mjs'), join(ROOT, 'examples/browser'), '#out[data-done]']);
    expect(out.trim()).toBe("wasm: FIRST note (64 bytes, 'note' at 6)");
  });
});
