/**
 * Truncation under churn: for ten seconds a writer process cuts a 1 MiB file to
 * a random size and grows it back (rewriting the original tail, so every byte
 * inside the file is always the original byte), while reader processes — each
 * on its main thread and in a worker thread — open maps, call into them at
 * random and close them again. A call either returns the original bytes or
 * throws ERR_MMAP_TRUNCATED (then the reader opens the file again); anything
 * else is a mismatch, and a SIGBUS would end the reader with a signal.
 *
 * The cuts are multiples of 64 KiB, a whole number of pages on every platform
 * we run: inside the page that holds a new end, the OS reads zeros without a
 * fault (docs/api.md, Truncation), which no library can notice.
 *
 * The readers run the compiled package (dist/, which `npm test` builds first)
 * in child processes, so a crash is reported as a crash and not as jest dying.
 */
import { spawn } from 'node:child_process';
import { pattern } from '../conformance/harness.js';
import { tempFiles } from '../helpers/temp-files.js';
import { BACKENDS } from './backends.js';

const files = tempFiles('truncation-stress');
afterAll(() => files.cleanup());

const entry = new URL('../../dist/entries/node.js', import.meta.url).href;
const FILE_SIZE = 1024 * 1024;
const CUT_STEP = 64 * 1024;
const DURATION_MS = 10_000;

/** Cuts the file and grows it back until the deadline; prints how many cuts it made. */
const WRITER = `
import { openSync, ftruncateSync, writeSync, readFileSync, closeSync } from 'node:fs';
const [path, originalPath, duration, step] = process.argv.slice(2);
const original = readFileSync(originalPath);
const fd = openSync(path, 'r+');
const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(pause, 0, 0, ms);
const deadline = Date.now() + Number(duration);
let cuts = 0;
while (Date.now() < deadline) {
  const size = Math.floor(Math.random() * (original.length / Number(step))) * Number(step);
  ftruncateSync(fd, size);
  cuts++;
  sleep(Math.random() * 3);
  writeSync(fd, original, size, original.length - size, size);
  sleep(Math.random() * 5);
}
closeSync(fd);
console.log(JSON.stringify({ cuts }));
`;

/**
 * One reader loop, run by the reader process on its main thread and in a
 * worker: returns counts, and a description of each mismatch (at most 20).
 */
const READER_LOOP = `
import { openMap } from ${JSON.stringify(entry)};
import { readFileSync } from 'node:fs';
export function readerLoop({ path, originalPath, options, duration }) {
  const original = readFileSync(originalPath);
  const report = { calls: 0, truncated: 0, reopens: 0, emptyOpens: 0, mismatches: [] };
  const mismatch = (what) => { if (report.mismatches.length < 20) report.mismatches.push(what); else report.mismatches[19] = '...'; };
  const below = (n) => Math.floor(Math.random() * n);
  const same = (bytes, at) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(original.subarray(at, at + bytes.byteLength));
  const ops = {
    read(map, n) {
      const at = below(n), length = 1 + below(Math.min(65536, n - at));
      const bytes = map.read(at, length);
      if (bytes.byteLength !== length || !same(bytes, at)) mismatch('read ' + at + '+' + length);
    },
    readInto(map, n) {
      const at = below(n), target = new Uint8Array(1 + below(65536));
      const count = map.readInto(target, at);
      if (count !== Math.min(target.length, n - at) || !same(target.subarray(0, count), at)) mismatch('readInto ' + at);
    },
    getUint32(map, n) {
      const at = below(n - 3);
      const value = map.getUint32(at, true);
      if (value !== original.readUInt32LE(at)) mismatch('getUint32 ' + at);
    },
    find(map, n) {
      const from = below(n - 16), start = below(from + 1);
      const needle = original.subarray(from, from + 16);
      const found = map.find(needle, start);
      const expected = original.subarray(0, n).indexOf(needle, start);
      if (found !== expected) mismatch('find ' + from + ' from ' + start + ': ' + found + ' != ' + expected);
    },
    view(map, n) {
      if (!map.stableViews) return ops.read(map, n);
      const at = below(n), length = 1 + below(Math.min(65536, n - at));
      // A load past the new end reads zeros (the map notices): then the next call must refuse.
      if (!same(map.view(at, length), at)) {
        try { map.read(0, 1); mismatch('view ' + at + '+' + length + ' was wrong and the next call did not throw'); }
        catch (error) { if (error.code !== 'ERR_MMAP_TRUNCATED') throw error; report.truncated++; return 'reopen'; }
      }
    },
  };
  const names = Object.keys(ops);
  const open = () => {
    for (;;) {
      const map = openMap(path, options);
      if (map.byteLength >= 64) return map;
      map.close(); // opened while the file was nearly empty: nothing to read; try again
      report.emptyOpens++;
    }
  };
  const deadline = Date.now() + duration;
  let map = open();
  while (Date.now() < deadline) {
    let reopen = Math.random() < 0.01; // churn: maps come and go while the file does
    try {
      if (!reopen) {
        reopen = ops[names[below(names.length)]](map, map.byteLength) === 'reopen';
        report.calls++;
      }
    } catch (error) {
      if (error.code !== 'ERR_MMAP_TRUNCATED') { mismatch('threw ' + (error.code ?? error.message)); continue; }
      report.truncated++;
      reopen = true;
    }
    if (reopen) { map.close(); map = open(); report.reopens++; }
  }
  map.close();
  return report;
}
`;

/** The reader process: the loop on its main thread and in one worker at once; prints both reports. */
const READER = `
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { readerLoop } from './reader-loop.mjs';
if (isMainThread) {
  const job = JSON.parse(process.argv[2]);
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  const inWorker = new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  const onMain = readerLoop(job);
  console.log(JSON.stringify({ main: onMain, worker: await inWorker }));
} else {
  parentPort.postMessage(readerLoop(workerData));
}
`;

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

interface LoopReport {
  calls: number;
  truncated: number;
  reopens: number;
  emptyOpens: number;
  mismatches: string[];
}

test('readers on every backend, in processes and worker threads, survive ten seconds of cuts and regrowth with only original bytes or ERR_MMAP_TRUNCATED', async () => {
  const original = pattern(FILE_SIZE, 11);
  const path = files.file('churn.bin', original);
  const originalPath = files.file('original.bin', original);
  const writer = files.file('writer.mjs', WRITER);
  files.file('reader-loop.mjs', READER_LOOP);
  const reader = files.file('reader.mjs', READER);

  // The readers start first and outlast the writer by a little, so every cut lands on live maps.
  const readers = BACKENDS.map(([name, options]) =>
    run(reader, [JSON.stringify({ path, originalPath, options, duration: DURATION_MS + 500 })]).then((outcome) => ({
      name,
      outcome,
    })),
  );
  const written = await run(writer, [path, originalPath, String(DURATION_MS), String(CUT_STEP)]);
  expect(written).toMatchObject({ status: 0, signal: null });
  const { cuts } = JSON.parse(written.stdout) as { cuts: number };
  expect(cuts).toBeGreaterThan(500);

  for (const { name, outcome } of await Promise.all(readers)) {
    expect({ name, status: outcome.status, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
      name,
      status: 0,
      signal: null,
      stderr: '',
    });
    const reports = JSON.parse(outcome.stdout) as Record<'main' | 'worker', LoopReport>;
    for (const [thread, report] of Object.entries(reports)) {
      expect({ name, thread, mismatches: report.mismatches }).toEqual({ name, thread, mismatches: [] });
      expect(report.calls).toBeGreaterThan(1000);
      expect(report.truncated).toBeGreaterThan(10);
      expect(report.reopens).toBeGreaterThanOrEqual(report.truncated);
    }
    console.log(`${name}: ${JSON.stringify(reports)}`); // the counts, for the closing note and a curious reader
  }
}, 60_000);
