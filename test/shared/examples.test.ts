/** The sharing examples run as written and print what they promise. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../helpers/native-build.js';
import { shmExists } from '../helpers/shared-names.js';

beforeAll(ensureBuilt);

function example(script: string, args: string[] = []): { stdout: string; pid: number } {
  const result = spawnSync(process.execPath, [join(ROOT, 'examples', script), ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return { stdout: result.stdout, pid: result.pid! };
}

describe('examples', () => {
  it('share-python.mjs: Node and Python read each other\'s bytes, and the name is gone afterwards', () => {
    const { stdout, pid } = example('share-python.mjs');
    expect(stdout).toContain('python reads: counter = 41, message = "hello from node" (4096 bytes)');
    expect(stdout).toContain('node reads:   counter = 42, reply = "hello from python"');
    expect(shmExists(`portable-mmap-example-${pid}`)).toBe(false);
  });

  it('share-memory.mjs: two processes × 20,000 Atomics.add count 40,000', () => {
    const { stdout, pid } = example('share-memory.mjs', ['20000']);
    expect(stdout).toContain('2 processes × 20,000 Atomics.add → 40,000');
    expect(shmExists(`portable-mmap-example-${pid}`)).toBe(false);
  });
});
