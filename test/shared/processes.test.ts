/**
 * Several Node processes on one mapping: Atomics on a view count exactly across
 * processes, and plain stores are seen by the other process without flush(), for
 * named shared memory and for a 'write' file map alike.
 */
import { readFileSync } from 'node:fs';
import { openMap, openShared } from '../../src/entries/node.js';
import type { MemoryMap } from '../../src/types.js';
import { ensureBuilt, expectClean, lastJson, runChild, runChildAsync } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { sharedNames } from '../helpers/shared-names.js';

const names = sharedNames('proc');
const files = tempFiles('shared');
beforeAll(ensureBuilt);
afterEach(() => names.cleanup());
afterAll(() => files.cleanup());

/** Opens argv[2] = 'shared' | 'file' with target argv[3], as children do. */
const OPEN = `
import { openMap, openShared } from DIST;
const [kind, target] = process.argv.slice(2);
const map = kind === 'shared' ? openShared(target) : openMap(target, { access: 'write' });
`;

/**
 * Word 0: the counter. Word 1: a start barrier. Words 2 and 3: chunks of adds each child
 * has finished; a child starts chunk c only once the other has finished c − 1, so the
 * two run side by side even where the scheduler would let one finish first. Reports
 * how often the other process's adds came between two of its own (the old value
 * jumped by more than one).
 */
const ADDER = `${OPEN}
const adds = Number(process.argv[4]), me = Number(process.argv[5]), CHUNK = 1000;
const v = map.view(0, 16);
const words = new Int32Array(v.buffer, v.byteOffset, 4);
Atomics.add(words, 1, 1);
while (Atomics.load(words, 1) < 2);
let previous = -2, interleaved = 0;
for (let chunk = 0; chunk < adds / CHUNK; chunk++) {
  while (Atomics.load(words, 3 - me) < chunk - 1);
  for (let i = 0; i < CHUNK; i++) {
    const old = Atomics.add(words, 0, 1);
    if (old !== previous + 1) interleaved++;
    previous = old;
  }
  Atomics.store(words, 2 + me, chunk + 1);
}
map.close();
console.log(JSON.stringify({ interleaved }));
`;

const ADDS = 200_000;

async function addTogether(kind: 'shared' | 'file', target: string): Promise<number[]> {
  const results = await Promise.all([0, 1].map((me) => runChildAsync(ADDER, { args: [kind, target, String(ADDS), String(me)], timeout: 60_000 })));
  results.forEach(expectClean);
  return results.map((r) => lastJson<{ interleaved: number }>(r).interleaved);
}

function counter(map: MemoryMap): number {
  const v = map.view(0, 4);
  return Atomics.load(new Int32Array(v.buffer, v.byteOffset, 1), 0);
}

describe('Atomics.add from two processes, 200,000 times each, on one counter', () => {
  it('counts exactly 400,000 in named shared memory', async () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    const interleaved = await addTogether('shared', name);
    expect(counter(map)).toBe(2 * ADDS);
    expect(Math.min(...interleaved)).toBeGreaterThan(1); // each saw the other's adds between its own
  });

  it("counts exactly 400,000 in a 'write' file map, and the file holds it after close()", async () => {
    const path = files.file('counter.bin', new Uint8Array(4096));
    const map = openMap(path, { access: 'write', backend: 'native' });
    const interleaved = await addTogether('file', path);
    expect(counter(map)).toBe(2 * ADDS);
    expect(Math.min(...interleaved)).toBeGreaterThan(1);
    map.close();
    expect(readFileSync(path).readInt32LE(0)).toBe(2 * ADDS);
  });
});

describe('stores seen across processes without flush()', () => {
  /** The child reads what the parent stored, stores its own answer, and exits without flush() or close(). */
  const ECHO = `${OPEN}
const seen = new TextDecoder().decode(map.read(0, 11));
map.view(100, 11).set(new TextEncoder().encode('from child!'));
console.log(JSON.stringify({ seen }));
process.exit(0);
`;

  function exchange(kind: 'shared' | 'file', target: string, map: MemoryMap): void {
    map.write('from parent', 0); // no flush()
    const result = runChild(ECHO, { args: [kind, target] });
    expectClean(result);
    expect(lastJson(result).seen).toBe('from parent');
    expect(new TextDecoder().decode(map.view(100, 11))).toBe('from child!'); // the parent's own view, still open
  }

  it('in named shared memory', () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    exchange('shared', name, map);
  });

  it("in a 'write' file map (MAP_SHARED: one page cache)", () => {
    const path = files.file('echo.bin', new Uint8Array(4096));
    using map = openMap(path, { access: 'write', backend: 'native' });
    exchange('file', path, map);
  });

  it('from a process that was killed (SIGKILL) right after its store', () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    const result = runChild(`${OPEN}
map.write('stored before the kill', 0);
process.kill(process.pid, 'SIGKILL');`, { args: ['shared', name] });
    expect(result.signal).toBe('SIGKILL');
    expect(new TextDecoder().decode(map.read(0, 22))).toBe('stored before the kill');
  });
});

describe('a name outlives the processes that opened it', () => {
  it('until unlinkShared(): a later process reads what an earlier one left', () => {
    const name = names.next();
    const writer = runChild(`import { openShared } from DIST;
const map = openShared(process.argv[2], { size: 64, create: true });
map.write('left behind', 0);
map.close();`, { args: [name] });
    expectClean(writer);
    const reader = runChild(`${OPEN}
console.log(JSON.stringify({ text: new TextDecoder().decode(map.read(0, 11)), size: map.byteLength }));`, { args: ['shared', name] });
    expectClean(reader);
    expect(lastJson(reader)).toEqual({ text: 'left behind', size: 64 });
  });
});
