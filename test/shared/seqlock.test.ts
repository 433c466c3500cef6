/**
 * SeqLock: its layout and arguments in one process, a reader that retries while a
 * writer (another thread) is mid-write, and a stress run with one writer and two
 * readers in separate processes that must never see a torn record.
 */
import { Worker } from 'node:worker_threads';
import { openShared, SeqLock } from '../../src/entries/node.js';
import { ensureAddon, ensureBuilt, expectClean, lastJson, runChildAsync, thrownCode, type ChildResult } from '../helpers/native-build.js';
import { sharedNames } from '../helpers/shared-names.js';

const names = sharedNames('seq');
beforeAll(ensureAddon);
afterEach(() => names.cleanup());

/**
 * The readers' check, run in the child processes too: the writer fills every word of
 * record n with n, so a torn record has unequal words, and a whole one holds its version.
 */
const CHECK_RECORD = `function checkRecord(record, version) {
  for (let i = 1; i < record.length; i++) if (record[i] !== record[0]) return 'torn';
  return record[0] === version ? undefined : 'mismatched';
}`;
const checkRecord = new Function(`${CHECK_RECORD}; return checkRecord;`)() as (record: Int32Array, version: number) => string | undefined;

describe('SeqLock in one process', () => {
  it('lays out a sequence word (2 × writes) and then the payload bytes as written', () => {
    const memory = new Uint8Array(SeqLock.byteLength(16));
    expect(memory.length).toBe(20);
    const lock = new SeqLock(memory);
    expect([lock.payloadByteLength, lock.version]).toEqual([16, 0]);
    const data = new Float64Array([1.5, -2.25]);
    lock.write(data);
    lock.write(data);
    expect(lock.version).toBe(2);
    expect(new Int32Array(memory.buffer, 0, 1)[0]).toBe(4);
    expect(memory.subarray(4)).toEqual(new Uint8Array(data.buffer));
  });

  it('reads a whole record into any view of the right size, aligned or not, and returns its version', () => {
    const lock = new SeqLock(new Uint8Array(SeqLock.byteLength(8)));
    const fresh = new Uint8Array(8).fill(9);
    expect(lock.read(fresh)).toBe(0);
    expect(fresh).toEqual(new Uint8Array(8)); // new memory: a record of zeros
    lock.write(new DataView(Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).buffer, 1, 8));
    const unaligned = new Uint8Array(11).subarray(3);
    expect(lock.read(unaligned)).toBe(1);
    expect(unaligned).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const asFloat = new Float64Array(1);
    expect(lock.tryRead(asFloat)).toBe(1);
    expect(new Uint8Array(asFloat.buffer)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  });

  it('tryRead() returns −1 and leaves the target alone while a write is in progress (odd sequence)', () => {
    const memory = new Int32Array(3);
    const lock = new SeqLock(memory);
    lock.write(Int32Array.of(5, 6));
    Atomics.store(memory, 0, 3); // a writer stopped between its stores
    const target = Int32Array.of(-1, -1);
    expect(lock.tryRead(target)).toBe(-1);
    expect(target).toEqual(Int32Array.of(-1, -1));
  });

  it('read() retries until the writer in another thread finishes its write', async () => {
    const memory = new Int32Array(new SharedArrayBuffer(SeqLock.byteLength(8)));
    const lock = new SeqLock(memory);
    Atomics.store(memory, 0, 1); // mid-write: the worker completes it after 100 ms
    const worker = new Worker(
      `const { workerData: m } = require('node:worker_threads');
      setTimeout(() => { Atomics.store(m, 1, 42); Atomics.store(m, 2, 43); Atomics.store(m, 0, 2); }, 100);`,
      { eval: true, workerData: memory },
    );
    const started = Date.now();
    const target = new Int32Array(2);
    expect(lock.read(target)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(target).toEqual(Int32Array.of(42, 43));
    await worker.terminate();
  });

  it('refuses memory and records of the wrong shape with argument codes', () => {
    for (const bad of [3, -4, 1.5, '8', NaN]) expect(thrownCode(() => SeqLock.byteLength(bad as number))).toBe('ERR_OUT_OF_RANGE');
    expect(thrownCode(() => new SeqLock(new ArrayBuffer(8) as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownCode(() => new SeqLock(new Uint8Array(12).subarray(2, 10)))).toBe('ERR_OUT_OF_RANGE'); // byteOffset 2
    expect(thrownCode(() => new SeqLock(new Uint8Array(6)))).toBe('ERR_OUT_OF_RANGE');
    expect(thrownCode(() => new SeqLock(new Uint8Array(2)))).toBe('ERR_OUT_OF_RANGE');
    const lock = new SeqLock(new Uint8Array(12));
    expect(thrownCode(() => lock.write(new Uint8Array(4)))).toBe('ERR_OUT_OF_RANGE');
    expect(thrownCode(() => lock.read(new Uint8Array(12)))).toBe('ERR_OUT_OF_RANGE');
    expect(thrownCode(() => lock.tryRead([1, 2] as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownCode(() => lock.write('12345678' as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(lock.version).toBe(0); // nothing was written
  });

  it('throws ERR_MMAP_CLOSED once its map is closed or resized (the view is detached)', () => {
    const name = names.next();
    const map = openShared(name, { size: 4096, create: true });
    const lock = new SeqLock(map.view(0, SeqLock.byteLength(8)));
    lock.write(new Uint8Array(8).fill(1));
    map.resize(8192);
    expect(thrownCode(() => lock.read(new Uint8Array(8)))).toBe('ERR_MMAP_CLOSED');
    const again = new SeqLock(map.view(0, SeqLock.byteLength(8)));
    expect(again.version).toBe(1);
    map.close();
    for (const call of [() => again.write(new Uint8Array(8)), () => again.read(new Uint8Array(8)), () => again.tryRead(new Uint8Array(8)), () => again.version]) {
      expect(thrownCode(call)).toBe('ERR_MMAP_CLOSED');
    }
  });

  it("the stress test's check finds a torn record and a record that is not its version", () => {
    expect(checkRecord(Int32Array.of(7, 7, 7), 7)).toBeUndefined();
    expect(checkRecord(Int32Array.of(7, 7, 8), 7)).toBe('torn');
    expect(checkRecord(Int32Array.of(8, 7, 7), 8)).toBe('torn');
    expect(checkRecord(Int32Array.of(6, 6, 6), 7)).toBe('mismatched');
  });
});

describe('SeqLock across processes', () => {
  beforeAll(ensureBuilt);

  const WORDS = 256; // a 1 KiB record: many stores for a reader to land between
  const LOCK_AT = 64;
  /**
   * Control words before the record: [0] a start barrier for 3 processes, [1] the writer
   * is done, [2] and [3] whole records each reader has read. Every 1,000 writes the writer
   * waits until both readers have read one more, so they see the record change however
   * the processes are scheduled.
   */
  const SETUP = `import { openShared, SeqLock } from DIST;
${CHECK_RECORD}
const map = openShared(process.argv[2]);
const control = new Int32Array(map.view(0, 16).buffer, 0, 4);
const lock = new SeqLock(map.view(${LOCK_AT}, SeqLock.byteLength(${WORDS * 4})));
const record = new Int32Array(${WORDS});
Atomics.add(control, 0, 1);
while (Atomics.load(control, 0) < 3);
`;
  const WRITER = `${SETUP}
let writes = 0;
for (const until = Date.now() + 1500; Date.now() < until || writes < 20000; ) {
  writes++;
  record.fill(writes);
  lock.write(record);
  if (writes % 1000 === 0) {
    const [a, b] = [Atomics.load(control, 2), Atomics.load(control, 3)];
    while (Atomics.load(control, 2) === a || Atomics.load(control, 3) === b);
  }
}
Atomics.store(control, 1, 1);
console.log(JSON.stringify({ writes }));`;
  const READER = `${SETUP}
const me = Number(process.argv[3]);
let reads = 0, retries = 0, torn = 0, mismatched = 0, backwards = 0, last = 0;
const versions = new Set();
while (Atomics.load(control, 1) === 0) {
  // read()'s own loop, counting the attempts that met a write in progress
  let version;
  while ((version = lock.tryRead(record)) < 0) retries++;
  const problem = checkRecord(record, version);
  if (problem === 'torn') torn++;
  if (problem === 'mismatched') mismatched++;
  if (version < last) backwards++;
  last = version;
  versions.add(version);
  Atomics.store(control, 2 + me, ++reads);
}
console.log(JSON.stringify({ reads, retries, torn, mismatched, backwards, distinct: versions.size, last }));`;

  function report<T>(result: ChildResult): T {
    expectClean(result);
    return lastJson<T>(result);
  }

  it('one writer and two readers: every record read is whole, is its version, and versions never go back', async () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    const [writer, ...readers] = await Promise.all(
      [WRITER, READER, READER].map((source, i) => runChildAsync(source, { args: [name, String(i - 1)], timeout: 60_000 })),
    );
    const { writes } = report<{ writes: number }>(writer);
    expect(writes).toBeGreaterThanOrEqual(20_000);
    for (const result of readers) {
      const r = report<{ reads: number; retries: number; torn: number; mismatched: number; backwards: number; distinct: number; last: number }>(result);
      expect({ torn: r.torn, mismatched: r.mismatched, backwards: r.backwards }).toEqual({ torn: 0, mismatched: 0, backwards: 0 });
      expect(r.reads).toBeGreaterThan(1_000);
      // The reader ran alongside the writer: it met writes in progress and saw the record change.
      expect(r.retries).toBeGreaterThan(0);
      expect(r.distinct).toBeGreaterThanOrEqual(Math.floor(writes / 1000));
      expect(r.last).toBeLessThanOrEqual(writes);
    }
    const final = new SeqLock(map.view(LOCK_AT, SeqLock.byteLength(WORDS * 4)));
    const record = new Int32Array(WORDS);
    expect(final.read(record)).toBe(writes);
    expect(checkRecord(record, writes)).toBeUndefined();
  });
});
