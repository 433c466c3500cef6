/**
 * What the native backend adds to the shared contract: advice that never
 * changes contents, mincore residency, counters, resize and grow against the
 * real file, unaligned offsets and zero-length maps.
 */
import { readFileSync, statSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import type { MapOptions } from '../../src/types.js';
import { ensureAddon, expectBytes } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { pattern } from '../conformance/harness.js';

const files = tempFiles('native');
const native: MapOptions = { backend: 'native' };
beforeAll(ensureAddon);
afterAll(() => files.cleanup());

const ADVICE = ['normal', 'random', 'sequential', 'willneed', 'dontneed'] as const;

describe('advise()', () => {
  it("'dontneed' keeps a 'copy' map's changes (and a read map's stray stores)", () => {
    const bytes = pattern(256 * 1024);
    const path = files.file('cow.bin', bytes);
    using copy = openMap(path, { ...native, access: 'copy' });
    copy.fill(0x11, 4096, 3 * 4096);
    copy.write('changed', 100);
    copy.advise('dontneed');
    copy.advise('dontneed', 4000, 10_000);
    expectBytes(copy.read(4096, 3 * 4096), new Uint8Array(3 * 4096).fill(0x11));
    expect(new TextDecoder().decode(copy.read(100, 7))).toBe('changed');
    using read = openMap(path, native);
    read.view()[5] = 0x99;
    read.advise('dontneed');
    expect(read.at(5)).toBe(0x99);
    expectBytes(readFileSync(path), bytes);
  });

  it("'dontneed' on a 'write' map keeps its changes and they reach the file", () => {
    const path = files.file('shared-advice.bin', pattern(64 * 1024));
    using map = openMap(path, { ...native, access: 'write' });
    map.write('kept', 10_000);
    map.advise('dontneed');
    expect(new TextDecoder().decode(map.read(10_000, 4))).toBe('kept');
    map.flush();
    expect(readFileSync(path).toString('latin1', 10_000, 10_004)).toBe('kept');
  });

  it('takes every kind of advice on unaligned ranges of every access mode', () => {
    const bytes = pattern(50_000);
    const path = files.file('advice.bin', bytes);
    for (const access of ['read', 'write', 'copy'] as const) {
      using map = openMap(path, { ...native, access, offset: 777 });
      for (const advice of ADVICE) {
        map.advise(advice);
        map.advise(advice, 1, 4097);
        map.advise(advice, map.byteLength, 10);
      }
      expectBytes(map.read(0), bytes.subarray(777));
    }
  });
});

describe('residency()', () => {
  it('counts mapped bytes in memory, never more than the map', () => {
    const path = files.file('resident.bin', pattern(300_000));
    using map = openMap(path, { ...native, offset: 5000, length: 200_001 });
    let sum = 0;
    for (let i = 0; i < map.byteLength; i += 4096) sum += map.getUint8(i);
    expect(sum).toBeGreaterThan(0);
    expect(map.residency()).toEqual({ residentBytes: 200_001, mappedBytes: 200_001 });
  });
});

describe('stats()', () => {
  it('counts bytes moved by read, readInto, write, fill and the cursor; nothing else', () => {
    const path = files.file('stats.bin', pattern(10_000));
    using map = openMap(path, { ...native, access: 'write' });
    map.read(0, 10);
    map.readInto(new Uint8Array(5), 100);
    map.write('abc', 0);
    map.fill(1, 50, 4);
    const cursor = map.cursor(200);
    cursor.read(6);
    cursor.write('xy');
    map.getUint32(0);
    map.view(0, 100);
    map.find('abc');
    map.move(0, 10, 5);
    expect(map.stats()).toEqual({ faults: 0, evictions: 0, bytesRead: 10 + 5 + 6, bytesWritten: 3 + 4 + 2, requests: 0, cacheHits: 0 });
  });
});

describe('resize() and grow', () => {
  it('of a map at an offset sets the file to offset + newLength, down to resize(0)', () => {
    const bytes = pattern(20_000);
    const path = files.file('offset-resize.bin', bytes);
    using map = openMap(path, { ...native, access: 'write', offset: 1234, length: 5000 });
    map.resize(8000);
    expect(statSync(path).size).toBe(1234 + 8000);
    expectBytes(map.read(0, 5000), bytes.subarray(1234, 6234));
    map.resize(0);
    expect(statSync(path).size).toBe(1234);
    expect(map.byteLength).toBe(0);
    expect(map.view()).toEqual(new Uint8Array(0));
    expect(map.find('')).toBe(0);
    map.resize(3);
    map.write('end', 0);
    map.close();
    expect(readFileSync(path).toString('latin1', 1234)).toBe('end');
    expectBytes(readFileSync(path).subarray(0, 1234), bytes.subarray(0, 1234));
  });

  it('grow extends the file to offset + length before mapping', () => {
    const path = files.file('grow.bin', 'abc');
    using map = openMap(path, { ...native, access: 'write', offset: 1, length: 10_000, grow: true });
    expect(statSync(path).size).toBe(10_001);
    expect(map.read(0, 4)).toEqual(new Uint8Array([0x62, 0x63, 0, 0]));
  });
});

describe('offsets and lengths', () => {
  it('any byte offset maps, the view starting at that byte', () => {
    const bytes = pattern(3 * 4096 + 5);
    const path = files.file('offsets.bin', bytes);
    for (const offset of [0, 1, 4095, 4096, 4097, 3 * 4096 + 4, 3 * 4096 + 5]) {
      using map = openMap(path, { ...native, offset });
      expect(map.byteLength).toBe(bytes.length - offset);
      expectBytes(map.view(), bytes.subarray(offset));
      expect(map.rfind(bytes.subarray(bytes.length - 1))).toBe(offset === bytes.length ? -1 : map.byteLength - 1);
    }
  });

  it('an empty file and length 0 are zero-length maps, resizable when writable', () => {
    const empty = files.file('empty.bin', '');
    for (const access of ['read', 'write', 'copy'] as const) {
      using map = openMap(empty, { ...native, access });
      expect([map.byteLength, map.read(0).length, map.view().length, map.find('x'), map.rfind('')]).toEqual([0, 0, 0, -1, 0]);
      expect(map.residency()).toEqual({ residentBytes: 0, mappedBytes: 0 });
    }
    const path = files.file('zero-length.bin', pattern(100));
    using map = openMap(path, { ...native, access: 'write', offset: 50, length: 0 });
    expect(map.byteLength).toBe(0);
    map.flush();
    map.resize(60);
    expect(map.read(0, 50)).toEqual(pattern(100).subarray(50));
  });
});
