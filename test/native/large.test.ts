/**
 * Maps larger than RAM and larger than one ArrayBuffer, over sparse files:
 * 64 GiB maps as 'read' and 'copy' (private and unreserved), and a map over
 * 6 GiB whose windows (4 GiB each, every 2 GiB) must agree with each other
 * across the 2 GiB and 4 GiB boundaries.
 */
import { closeSync, openSync, readSync, truncateSync, writeSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import { ensureAddon } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { pattern } from '../conformance/harness.js';

const GiB = 2 ** 30;
const files = tempFiles('native');
beforeAll(ensureAddon);
afterAll(() => files.cleanup());

/** A sparse file of `size` bytes holding `chunks` at their positions. */
function sparseFile(name: string, size: number, chunks: Array<[number, Uint8Array]>): string {
  const path = files.file(name, '');
  truncateSync(path, size);
  const fd = openSync(path, 'r+');
  for (const [position, bytes] of chunks) writeSync(fd, bytes, 0, bytes.length, position);
  closeSync(fd);
  return path;
}

function fileBytes(path: string, position: number, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  const bytes = new Uint8Array(length);
  readSync(fd, bytes, 0, length, position);
  closeSync(fd);
  return bytes;
}

describe('a 64 GiB sparse file', () => {
  const size = 64 * GiB;
  const tail = pattern(100, 5);
  let path: string;
  beforeAll(() => {
    path = sparseFile('huge.bin', size, [[size - 100, tail]]);
  });

  it("maps as 'read': reads near the end, stray stores stay private", () => {
    using map = openMap(path, { backend: 'native' });
    expect(map.byteLength).toBe(size);
    expect(map.read(size - 100)).toEqual(tail);
    expect(map.getUint8(size - 1)).toBe(tail[99]);
    expect(map.at(-100)).toBe(tail[0]);
    expect(map.find(tail.subarray(40, 56), size - 4096)).toBe(size - 60);
    expect(map.rfind(0, 0, size - 100)).toBe(size - 101);
    const end = map.view(size - 4096);
    expect(end.subarray(end.length - 100)).toEqual(tail);
    end[end.length - 1] ^= 0xff;
    expect(map.at(-1)).toBe(tail[99] ^ 0xff);
    expect(() => map.view()).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    const residency = map.residency();
    expect(residency.mappedBytes).toBe(size);
    expect(residency.residentBytes).toBeLessThan(64 * 1024 * 1024);
    expect(fileBytes(path, size - 100, 100)).toEqual(tail);
  });

  it("maps as 'copy': writes near the end and at the start never reach the file", () => {
    using map = openMap(path, { access: 'copy', backend: 'native' });
    map.write('copied', size - 6);
    map.setBigUint64(0, 0x0102030405060708n);
    expect(new TextDecoder().decode(map.read(size - 6))).toBe('copied');
    expect(map.getBigUint64(0)).toBe(0x0102030405060708n);
    map.flush();
    expect(fileBytes(path, size - 100, 100)).toEqual(tail);
    expect(fileBytes(path, 0, 8)).toEqual(new Uint8Array(8));
  });
});

describe('a map over 6 GiB, seen through 4 GiB windows every 2 GiB', () => {
  const size = 6 * GiB + 123;
  const atTwo = pattern(64, 11); // straddles 2 GiB
  const atFour = pattern(64, 12); // straddles 4 GiB
  const atEnd = pattern(64, 13);
  let path: string;
  beforeEach(() => {
    path = sparseFile('windows.bin', size, [
      [2 * GiB - 32, atTwo],
      [4 * GiB - 32, atFour],
      [size - 64, atEnd],
    ]);
  });

  it('finds, reads, views and streams across the 4 GiB boundary', async () => {
    using map = openMap(path, { backend: 'native' });
    const needle = atFour.subarray(24, 40);
    expect(map.find(needle, 4 * GiB - 64, 4 * GiB + 64)).toBe(4 * GiB - 8);
    expect(map.rfind(needle, 4 * GiB - 64, 4 * GiB + 64)).toBe(4 * GiB - 8);
    expect(map.find(needle, 4 * GiB - 64, 4 * GiB + 7)).toBe(-1);
    expect(map.find(atEnd.subarray(60), size - 1000)).toBe(size - 4);
    expect(map.read(4 * GiB - 4, 8)).toEqual(atFour.subarray(28, 36));
    expect(map.view(4 * GiB - 8, 16)).toEqual(atFour.subarray(24, 40));
    expect(map.view(2 * GiB - 8, 16)).toEqual(atTwo.subarray(24, 40));
    expect(map.view(size - 64)).toEqual(atEnd);
    const target = new Uint8Array(64);
    expect(map.readInto(target, 2 * GiB - 32)).toBe(64);
    expect(target).toEqual(atTwo);
    const reader = map.stream(4 * GiB - 32, 64).getReader();
    const chunks: number[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(...next.value);
    expect(new Uint8Array(chunks)).toEqual(atFour);
  });

  it('typed access across both boundaries matches a DataView over the same bytes', () => {
    using map = openMap(path, { access: 'write', backend: 'native' });
    const four = new DataView(atFour.buffer);
    for (const littleEndian of [false, true]) {
      expect(map.getUint32(4 * GiB - 2, littleEndian)).toBe(four.getUint32(30, littleEndian));
      expect(map.getFloat64(4 * GiB - 4, littleEndian)).toBe(four.getFloat64(28, littleEndian));
      expect(map.getBigInt64(2 * GiB - 3, littleEndian)).toBe(new DataView(atTwo.buffer).getBigInt64(29, littleEndian));
    }
    expect(map.getBigUint64(size - 8)).toBe(new DataView(atEnd.buffer).getBigUint64(56));
    map.setUint32(4 * GiB - 2, 0xa1b2c3d4);
    expect(map.read(4 * GiB - 2, 4)).toEqual(new Uint8Array([0xa1, 0xb2, 0xc3, 0xd4]));
    map.setFloat64(2 * GiB - 4, Math.PI, true);
    expect(map.getFloat64(2 * GiB - 4, true)).toBe(Math.PI);
    map.flush(2 * GiB - 4, 4 * GiB);
    expect(fileBytes(path, 4 * GiB - 2, 4)).toEqual(new Uint8Array([0xa1, 0xb2, 0xc3, 0xd4]));
  });

  it('writes, fills and moves across the 4 GiB boundary', () => {
    using map = openMap(path, { access: 'write', backend: 'native' });
    map.write('across the line', 4 * GiB - 7);
    expect(new TextDecoder().decode(map.read(4 * GiB - 7, 15))).toBe('across the line');
    map.fill(0x5a, 4 * GiB - 3, 6);
    expect(map.read(4 * GiB - 4, 8)).toEqual(new Uint8Array([0x6f, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x20]));
    map.move(10, 4 * GiB - 7, 15);
    expect(map.read(10, 15)).toEqual(map.read(4 * GiB - 7, 15));
    map.close();
    expect(new TextDecoder().decode(fileBytes(path, 4 * GiB - 7, 4))).toBe('acro');
  });

  it('a view longer than 2 GiB that fits no window gets a buffer of its own, detached on close', () => {
    const map = openMap(path, { backend: 'native' });
    const length = 2 ** 32 - 1;
    const view = map.view(2 * GiB - 32, length);
    expect(view.length).toBe(length);
    expect(view.subarray(0, 64)).toEqual(atTwo);
    expect(view.subarray(2 * GiB, 2 * GiB + 64)).toEqual(atFour);
    const inWindow = map.view(2 * GiB - 32, 64);
    map.close();
    expect(view.length).toBe(0);
    expect(inWindow.length).toBe(0);
  });

  it('resize() moves between windowed and single-buffer maps', () => {
    const map = openMap(path, { access: 'write', backend: 'native' });
    const old = map.view(4 * GiB - 8, 16);
    map.resize(3 * GiB);
    expect(old.length).toBe(0);
    expect(map.byteLength).toBe(3 * GiB);
    expect(map.view(2 * GiB - 8, 16)).toEqual(atTwo.subarray(24, 40));
    expect(map.getUint8(3 * GiB - 1)).toBe(0);
    map.resize(5 * GiB);
    expect(map.read(4 * GiB - 32, 64)).toEqual(new Uint8Array(64)); // cut off by the shrink, zero when regrown
    map.setUint16(4 * GiB - 1, 0xbeef);
    expect(map.getUint16(4 * GiB - 1)).toBe(0xbeef);
    map.close();
    expect(fileBytes(path, 4 * GiB - 1, 2)).toEqual(new Uint8Array([0xbe, 0xef]));
  });
});
