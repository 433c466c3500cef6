/** fileCache() in Deno (through its permission checks) and Bun, from the built package. */
import { join } from 'node:path';
import { ROOT } from '../runtimes/bundle.js';
import { spawnAsync } from '../runtimes/run-runtime.js';

const SCRIPT = 'test/caches/file-cache-runtime.ts';
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const BUN = join(ROOT, 'node_modules', '.bin', 'bun');
const DENO_BASE = ['run', '--no-lock', '--sloppy-imports', '--no-prompt'];

function reportIn(output: string): Record<string, unknown> {
  const line = output.split('\n').find((l) => l.startsWith('CACHE_REPORT '));
  if (line === undefined) throw new Error(`no report in the output:\n${output.slice(-3000)}`);
  return JSON.parse(line.slice('CACHE_REPORT '.length));
}

function expectCachedMaps(report: Record<string, unknown>): void {
  const pages = report.pages as number;
  expect(report.first).toEqual({ equal: true, cacheHits: 0 });
  expect(report.second).toEqual({ equal: true, cacheHits: pages }); // a new fileCache over the same directory
  expect(report.damaged).toEqual({ equal: true, cacheHits: 0 }); // every entry had a flipped byte
  expect(report.again).toEqual({ equal: true, cacheHits: pages }); // the damaged entries were stored anew
  const bounded = report.bounded as { equal: boolean; onDisk: number; maxBytes: number };
  expect(bounded.equal).toBe(true);
  expect(bounded.onDisk).toBeLessThanOrEqual(bounded.maxBytes);
}

describe('fileCache() in other runtimes', () => {
  test('Deno: maps through a cache directory, a restart, damaged entries, the maxBytes bound', async () => {
    expectCachedMaps(reportIn(await spawnAsync(DENO, [...DENO_BASE, '--allow-read', '--allow-write', '--allow-env', '--allow-sys', SCRIPT], { cwd: ROOT, timeout: 120_000 })));
  });

  test('Deno: without --allow-write for the directory, fileCache() is EACCES naming the permission', async () => {
    const report = reportIn(await spawnAsync(DENO, [...DENO_BASE, '--allow-read', '--allow-env', '--allow-sys', SCRIPT, 'permissions'], { cwd: ROOT, timeout: 120_000 }));
    expect(report.fileCache).toEqual({ code: 'EACCES', permission: 'write', name: 'MmapError' });
  });

  test('Bun: maps through a cache directory, a restart, damaged entries, the maxBytes bound', async () => {
    expectCachedMaps(reportIn(await spawnAsync(BUN, [SCRIPT], { cwd: ROOT, timeout: 120_000 })));
  });
});
