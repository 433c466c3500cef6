/**
 * worker_threads: each worker opens its own map (by shared name or by path) and
 * they all see the same bytes; a view posted to a worker arrives as a copy.
 * Runs in a child process, so a fault there fails one test, not the runner.
 */
import { openShared } from '../../src/entries/node.js';
import { DIST_URL, ensureBuilt, lastJson, runChild } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { sharedNames } from '../helpers/shared-names.js';

const names = sharedNames('thr');
const files = tempFiles('shared');
beforeAll(ensureBuilt);
afterEach(() => names.cleanup());
afterAll(() => files.cleanup());

/**
 * argv: kind ('shared' | 'file'), target, workers, adds. Each worker opens the target
 * itself, waits at a barrier (word 1) until all have, adds to word 0, and writes its
 * index into its own byte at 64 + index; the main thread then reads all of it through
 * its own map.
 */
const WORKERS = `
import { Worker } from 'node:worker_threads';
import { openMap, openShared } from DIST;
const [kind, target, workersText, addsText] = process.argv.slice(2);
const workers = Number(workersText), adds = Number(addsText);
const open = (kind, target) => kind === 'shared' ? openShared(target) : openMap(target, { access: 'write', backend: 'native' });
const source = \`
const { workerData: { dist, kind, target, workers, adds, index }, parentPort } = require('node:worker_threads');
import(dist).then(({ openMap, openShared }) => {
  const map = kind === 'shared' ? openShared(target) : openMap(target, { access: 'write', backend: 'native' });
  const v = map.view(0, 8);
  const words = new Int32Array(v.buffer, v.byteOffset, 2);
  Atomics.add(words, 1, 1);
  while (Atomics.load(words, 1) < workers);
  for (let i = 0; i < adds; i++) Atomics.add(words, 0, 1);
  map.setUint8(64 + index, index + 1);
  map.close();
  parentPort.postMessage('done');
});\`;
const main = open(kind, target);
await Promise.all(Array.from({ length: workers }, (_, index) => new Promise((resolve, reject) => {
  const worker = new Worker(source, { eval: true, workerData: { dist: ${JSON.stringify(DIST_URL)}, kind, target, workers, adds, index } });
  worker.once('message', resolve);
  worker.once('error', reject);
})));
console.log(JSON.stringify({ counter: main.getInt32(0, true), marks: Array.from(main.read(64, workers)) }));
main.close();
`;

describe('maps opened in several worker_threads', () => {
  it('by shared name: every worker sees the same bytes, and Atomics count exactly', () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    const result = runChild(WORKERS, { args: ['shared', name, '4', '50000'] });
    expect(lastJson(result)).toEqual({ counter: 200_000, marks: [1, 2, 3, 4] });
    expect(map.getInt32(0, true)).toBe(200_000);
  });

  it("by path ('write' file maps): the same", () => {
    const path = files.file('threads.bin', new Uint8Array(4096));
    const result = runChild(WORKERS, { args: ['file', path, '4', '50000'] });
    expect(lastJson(result)).toEqual({ counter: 200_000, marks: [1, 2, 3, 4] });
  });
});

describe('a view posted to a worker', () => {
  it('arrives as a copy, also when its buffer is in the transfer list: each worker must open the map itself', () => {
    const path = files.file('posted.bin', new Uint8Array(4096));
    const result = runChild(
      `import { Worker } from 'node:worker_threads';
      import { openMap } from DIST;
      const map = openMap(process.argv[2], { access: 'write', backend: 'native' });
      const view = map.view();
      const worker = new Worker(\`const { parentPort } = require('node:worker_threads');
        parentPort.on('message', (bytes) => { bytes[0] = 99; parentPort.postMessage(bytes[0]); });\`, { eval: true });
      const ask = (transfer) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(view, transfer); });
      const copied = await ask([]);
      const transferred = await ask([view.buffer]);
      console.log(JSON.stringify({ copied, transferred, mapByte: map.at(0), viewLength: view.length }));
      await worker.terminate();
      map.close();`,
      { args: [path] },
    );
    // The worker stored 99 into what it received; the map never saw it, and the view stayed attached.
    expect(lastJson(result)).toEqual({ copied: 99, transferred: 99, mapByte: 0, viewLength: 4096 });
  });
});
