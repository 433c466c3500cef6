/** Deno 2: the conformance cases (wasm over node:fs files, bytes), and its permission model. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bundle.js';
import { BYTES, expectEveryCase, FILES, FILES_WINDOWED, runRuntime } from './run-runtime.js';

const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
// --sloppy-imports: the test sources import './x.js' for './x.ts', as tsc wants.
const BASE = ['run', '--no-lock', '--sloppy-imports', '--no-prompt'];

describe('Deno: conformance (no --allow-ffi, so the wasm pager)', () => {
  expectEveryCase(
    () => runRuntime(DENO, [...BASE, '--allow-read', '--allow-write', '--allow-env', '--allow-sys', 'test/runtimes/node-like.ts'], { cwd: ROOT }),
    { "files, wasm backend ('auto')": FILES, 'files, wasm windowed': FILES_WINDOWED, 'Uint8Array, wasm': BYTES },
  );
});

describe('Deno: permissions are asked first, so nothing prompts', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portable-mmap-deno-'));
    file = join(dir, 'data.bin');
    writeFileSync(file, 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function probe(flags: string[], env: Record<string, string> = {}) {
    const r = spawnSync(DENO, [...BASE, ...flags, 'test/runtimes/deno-permissions.ts', file], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    const line = `${r.stdout}`.split('\n').find((l) => l.startsWith('PORTABLE_MMAP_RESULT '));
    if (!line) throw new Error(`deno printed no result: ${r.stdout}${r.stderr}`);
    return JSON.parse(line.slice('PORTABLE_MMAP_RESULT '.length));
  }

  it('without --allow-read, opening a file is EACCES naming the read permission', () => {
    const r = probe([]);
    expect(r.read).toEqual({ code: 'EACCES', permission: 'read', name: 'MmapError' });
    expect(r.write).toEqual({ code: 'EACCES', permission: 'read', name: 'MmapError' });
  });

  it("with --allow-read only, access 'write' is EACCES naming the write permission", () => {
    const r = probe([`--allow-read=${file}`]);
    expect(r.read).toBe('ok');
    expect(r.write).toEqual({ code: 'EACCES', permission: 'write', name: 'MmapError' });
  });

  it('with both, both work', () => {
    const r = probe([`--allow-read=${file}`, `--allow-write=${file}`]);
    expect([r.read, r.write]).toEqual(['ok', 'ok']);
  });

  it('PORTABLE_MMAP_BACKEND is not read without --allow-env, and is with it', () => {
    expect(probe([], { PORTABLE_MMAP_BACKEND: 'bogus' }).detected).toEqual({
      backend: 'wasm',
      runtime: 'deno',
      reason: 'Deno: native addons need --allow-ffi; using the wasm pager',
    });
    expect(probe(['--allow-env'], { PORTABLE_MMAP_BACKEND: 'bogus' }).detected).toEqual({
      code: 'ERR_INVALID_ARG_VALUE',
      name: 'TypeError',
    });
  });

  it('with --allow-ffi (and --allow-read for the addon) Deno uses the native backend, and openShared works', () => {
    const r = probe(['--allow-ffi', '--allow-read', '--allow-env']);
    expect(r.detected).toMatchObject({ backend: 'native', runtime: 'deno' });
    expect(r.read).toBe('ok');
    expect(r.shared).toBe('deno');
  });

  it('without --allow-ffi, openShared is ERR_MMAP_BACKEND_UNAVAILABLE (the wasm pager shares nothing)', () => {
    expect(probe([`--allow-read=${file}`]).shared).toEqual({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE', name: 'MmapError' });
  });
});
