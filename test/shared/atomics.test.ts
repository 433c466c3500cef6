/**
 * What Atomics do on a view of a map (an external, non-shared ArrayBuffer), exactly
 * as docs/sharing.md states it: the read-modify-write operations, load and store
 * work; wait and waitAsync throw; notify wakes nobody and returns 0.
 */
import { openMap, openShared } from '../../src/entries/node.js';
import type { MemoryMap } from '../../src/types.js';
import { ensureAddon } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { sharedNames } from '../helpers/shared-names.js';

const names = sharedNames('atm');
const files = tempFiles('shared');
beforeAll(ensureAddon);
afterEach(() => names.cleanup());
afterAll(() => files.cleanup());

let fileCount = 0;
const maps: Array<[string, () => MemoryMap]> = [
  ['a shared memory map', () => openShared(names.next(), { size: 4096, create: true })],
  ["a 'write' file map", () => openMap(files.file(`atomics-${fileCount++}.bin`, new Uint8Array(4096)), { access: 'write', backend: 'native' })],
];

describe.each(maps)('Atomics on a view of %s', (_, open) => {
  it('add, sub, and, or, xor, exchange, compareExchange, load and store work on Int32Array and BigInt64Array', () => {
    using map = open();
    const v = map.view();
    expect(v.buffer instanceof SharedArrayBuffer).toBe(false);
    const i32 = new Int32Array(v.buffer, v.byteOffset, 4);
    expect(Atomics.add(i32, 0, 5)).toBe(0);
    expect(Atomics.sub(i32, 0, 1)).toBe(5);
    expect(Atomics.or(i32, 0, 0x10)).toBe(4);
    expect(Atomics.and(i32, 0, 0x14)).toBe(0x14);
    expect(Atomics.xor(i32, 0, 0x01)).toBe(0x14);
    expect(Atomics.exchange(i32, 0, 7)).toBe(0x15);
    expect(Atomics.compareExchange(i32, 0, 6, 9)).toBe(7); // no match: unchanged
    expect(Atomics.compareExchange(i32, 0, 7, 9)).toBe(7);
    Atomics.store(i32, 1, -1);
    expect([Atomics.load(i32, 0), Atomics.load(i32, 1)]).toEqual([9, -1]);
    expect(map.getInt32(0, true)).toBe(9); // the map's own bytes changed
    const i64 = new BigInt64Array(v.buffer, v.byteOffset + 8, 1);
    expect(Atomics.add(i64, 0, 2n ** 40n)).toBe(0n);
    expect(Atomics.compareExchange(i64, 0, 2n ** 40n, -3n)).toBe(2n ** 40n);
    expect(map.getBigInt64(8, true)).toBe(-3n);
  });

  it('Atomics.wait and Atomics.waitAsync throw a TypeError; Atomics.notify returns 0 and wakes nobody', () => {
    using map = open();
    const v = map.view();
    const i32 = new Int32Array(v.buffer, v.byteOffset, 1);
    expect(() => Atomics.wait(i32, 0, 0, 0)).toThrow(TypeError);
    expect(() => Atomics.wait(i32, 0, 0, 0)).toThrow('not a shared typed array');
    const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => unknown }).waitAsync;
    expect(typeof waitAsync).toBe('function'); // Node ≥ 16
    expect(() => waitAsync!(i32, 0, 0, 0)).toThrow(TypeError);
    expect(Atomics.notify(i32, 0, 1)).toBe(0);
  });
});
