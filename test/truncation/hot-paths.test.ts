/**
 * The hot paths' checks. read(offset, n) for n ≤ 8 takes its own path (MapBase.read →
 * readSmall, alloc.ts copySmall): the same bytes, errors and truncation reports as every
 * other read, and no load past the range asked for (a read ending at a truncated file's
 * new end succeeds: it must not touch the page after it). Typed getters, the other hot
 * path, for whoever makes them cheaper: the state comes before the arguments, and a wasm
 * map faults nothing in once it noticed a truncation.
 */
import { openMap } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { tempFiles } from '../helpers/temp-files.js';
import { truncateFromAnotherProcess } from '../helpers/truncate.js';
import { BACKENDS, codeOf } from './backends.js';

const files = tempFiles('truncation-small-reads');
afterAll(() => files.cleanup());

const FILE_SIZE = 64 * 1024;
const NEW_SIZE = 16 * 1024;
const CONTENT = pattern(FILE_SIZE, 11);

const freshFile = (): string => files.file(`s-${Math.random().toString(36).slice(2)}.bin`, CONTENT);

describe.each(BACKENDS)('%s: small reads', (_name, options) => {
  test('give the bytes at every length 0–9, at page edges and at the end (clipped there)', () => {
    const map = openMap(freshFile(), options);
    const starts = [0, 1, 3, 4093, 4095, 4096, 8190, FILE_SIZE - 9, FILE_SIZE - 8, FILE_SIZE - 5, FILE_SIZE - 1, FILE_SIZE];
    for (const start of starts) {
      for (let n = 0; n <= 9; n++) {
        const got = map.read(start, n);
        const end = Math.min(start + n, FILE_SIZE);
        expect([start, n, Array.from(got)]).toEqual([start, n, Array.from(CONTENT.subarray(start, end))]);
        expect(got.buffer.byteLength).toBe(end - start); // a copy of its own, not a slice of a larger buffer
      }
    }
    const copy = map.read(100, 8);
    copy.fill(0);
    expect(map.read(100, 8)).toEqual(CONTENT.subarray(100, 108));
    map.close();
  });

  test('keep the argument errors and their order: closed first, then offset, then length', () => {
    const map = openMap(freshFile(), options);
    expect(codeOf(() => map.read(1.5, 4))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.read(-1, 4))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.read(FILE_SIZE + 1, 4))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.read(0, 2.5))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.read(0, -1))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.read('1' as unknown as number, 4))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => map.read(0, '4' as unknown as number))).toBe('ERR_INVALID_ARG_TYPE');
    map.close();
    expect(codeOf(() => map.read(0, 8))).toBe('ERR_MMAP_CLOSED');
    expect(codeOf(() => map.read(1.5, 8))).toBe('ERR_MMAP_CLOSED');
  });

  test('up to the new end of a truncated file succeed; past it they throw ERR_MMAP_TRUNCATED, and so does every later call', () => {
    const path = freshFile();
    const map = openMap(path, options);
    truncateFromAnotherProcess(path, NEW_SIZE);
    // The last 8 bytes the file holds: no load may touch the page after them. A wasm page
    // that the file no longer holds whole is a truncation (docs/api.md), as the identity
    // map's one 64 KiB page is here; the windowed map's 4 KiB pages end at the new end.
    if (options.backend === 'wasm' && options.pageSize === undefined) {
      expect(codeOf(() => map.read(NEW_SIZE - 8, 8))).toBe('ERR_MMAP_TRUNCATED');
    } else {
      expect(map.read(NEW_SIZE - 8, 8)).toEqual(CONTENT.subarray(NEW_SIZE - 8, NEW_SIZE));
    }
    expect(codeOf(() => map.read(NEW_SIZE - 4, 8))).toBe('ERR_MMAP_TRUNCATED');
    expect(codeOf(() => map.read(0, 8))).toBe('ERR_MMAP_TRUNCATED');
    expect(codeOf(() => map.read(1.5, 8))).toBe('ERR_MMAP_TRUNCATED'); // the state before the arguments
    map.close();
  });
});

describe.each(BACKENDS)('%s: typed getters', (_name, options) => {
  test('a closed map throws ERR_MMAP_CLOSED before any argument error', () => {
    const map = openMap(freshFile(), options);
    expect(map.getUint32(4093, true)).toBe(new DataView(CONTENT.buffer, CONTENT.byteOffset).getUint32(4093, true));
    expect(codeOf(() => map.getUint32(FILE_SIZE - 3))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.getFloat64(0.5))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => map.getUint32('0' as unknown as number))).toBe('ERR_INVALID_ARG_TYPE');
    map.close();
    for (const offset of [0, -1, 0.5, FILE_SIZE, '0']) {
      expect(codeOf(() => map.getUint32(offset as number))).toBe('ERR_MMAP_CLOSED');
      expect(codeOf(() => map.getFloat64(offset as number))).toBe('ERR_MMAP_CLOSED');
    }
  });

  test('once a truncation is noticed, every getter throws ERR_MMAP_TRUNCATED, before its arguments, and faults nothing in', () => {
    const path = freshFile();
    const map = openMap(path, options);
    truncateFromAnotherProcess(path, NEW_SIZE);
    expect(codeOf(() => map.read(FILE_SIZE - 8, 8))).toBe('ERR_MMAP_TRUNCATED');
    const faults = map.stats().faults;
    for (const offset of [0, NEW_SIZE - 4, FILE_SIZE - 4, -1, 0.5, FILE_SIZE, '0']) {
      expect([offset, codeOf(() => map.getUint32(offset as number))]).toEqual([offset, 'ERR_MMAP_TRUNCATED']);
      expect([offset, codeOf(() => map.getBigInt64(offset as number))]).toEqual([offset, 'ERR_MMAP_TRUNCATED']);
    }
    expect(map.stats().faults).toBe(faults);
    map.close();
    expect(codeOf(() => map.getUint8(0))).toBe('ERR_MMAP_CLOSED');
  });
});
