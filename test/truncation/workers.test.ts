/**
 * Truncation in worker threads: the SIGBUS handler is per process and its
 * registry is shared, so a map used in a worker is guarded like one on the main
 * thread, several workers can fault at once, and the main thread's own maps
 * stay intact meanwhile. The workers run the compiled package (dist/, which
 * `npm test` builds first).
 */
import { statSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openMap } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { tempFiles } from '../helpers/temp-files.js';
import type { MapOptions } from '../../src/types.js';

const files = tempFiles('truncation-workers');
afterAll(() => files.cleanup());

const entry = new URL('../../dist/entries/node.js', import.meta.url).href;
const FILE_SIZE = 1024 * 1024;
const NEW_SIZE = 64 * 1024;

/** The worker: maps its file, has another process cut it, then reports what each call did. */
const WORKER = `
import { openMap } from ${JSON.stringify(entry)};
import { execFileSync } from 'node:child_process';
import { workerData, parentPort } from 'node:worker_threads';
const { path, options, newSize } = workerData;
const codeOf = (run) => { try { run(); return 'ok'; } catch (error) { return error.code ?? String(error); } };
const map = openMap(path, { ...options, access: 'write' });
const view = map.stableViews ? map.view() : undefined;
execFileSync('truncate', ['-s', String(newSize), path]);
const report = {
  viewPastEnd: view && options.backend === 'native' ? view[map.byteLength - 10] : null,
  readPastEnd: codeOf(() => map.read(map.byteLength - 100, 10)),
  readInside: codeOf(() => map.read(0, 10)),
  stats: codeOf(() => map.stats()),
  close: codeOf(() => map.close()),
};
parentPort.postMessage(report);
`;

function runWorker(path: string, options: object): Promise<Record<string, unknown>> {
  const script = files.file(`worker-${Math.random().toString(36).slice(2)}.mjs`, WORKER);
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { path, options, newSize: NEW_SIZE } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited with ${code} before reporting`)));
  });
}

describe.each<[string, MapOptions]>([
  ['native', { backend: 'native' }],
  ['wasm', { backend: 'wasm', pageSize: 4096, maxResident: 16 * 4096 }],
])('%s maps in worker threads', (backend, options) => {
  test('a truncation seen in a worker throws ERR_MMAP_TRUNCATED there, and the worker lives', async () => {
    const path = files.file(`w-${backend}.bin`, pattern(FILE_SIZE, 3));
    const report = await runWorker(path, options);
    expect(report).toEqual({
      viewPastEnd: backend === 'native' ? 0 : null,
      readPastEnd: 'ERR_MMAP_TRUNCATED',
      readInside: 'ERR_MMAP_TRUNCATED',
      stats: 'ok',
      close: 'ok',
    });
    expect(statSync(path).size).toBe(NEW_SIZE);
  });

  test('four workers fault at once while the main thread reads a map of its own', async () => {
    const own = files.file(`own-${backend}.bin`, pattern(FILE_SIZE, 9));
    const mine = openMap(own, options);
    const paths = [0, 1, 2, 3].map((i) => files.file(`w-${backend}-${i}.bin`, pattern(FILE_SIZE, i)));
    const reports = Promise.all(paths.map((path) => runWorker(path, options)));
    const expected = Buffer.from(pattern(FILE_SIZE, 9));
    let intact = 0;
    for (let round = 0; round < 20; round++) {
      if (expected.equals(mine.read(0, FILE_SIZE))) intact++; // equals(): jest's toEqual walks 1 MiB slowly
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const report of await reports) expect(report.readPastEnd).toBe('ERR_MMAP_TRUNCATED');
    expect(intact).toBe(20);
    expect(expected.equals(mine.read(0, FILE_SIZE))).toBe(true);
    mine.close();
    writeFileSync(own, ''); // the main thread's map is closed: cutting its file now is harmless
  });
});
