/**
 * cursor.lines() on the wasm backend, whose chunks are copied run by run with
 * the SIMD line scan: over a windowed map of 4 KiB pages and a few frames, so
 * chunks span pages and runs are evicted between faults, it yields exactly what
 * the native backend and a plain split of the file yield.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMap } from '../../src/entries/node.js';
import type { MapOptions, MemoryMap } from '../../src/types.js';
import { rng } from '../helpers/random.js';

const PAGE = 4096;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portable-mmap-lines-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The file split after each '\n', as readLine() would: the last line may lack one. */
function split(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(Buffer.from(bytes.subarray(start, i + 1)).toString('latin1'));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(Buffer.from(bytes.subarray(start)).toString('latin1'));
  return lines;
}

function lines(map: MemoryMap, position = 0): string[] {
  return [...map.cursor(position).lines()].map((line) => Buffer.from(line).toString('latin1'));
}

/** Lines of random lengths (some longer than a page, some empty), CRLF or LF, then `tail`. */
function text(seed: number, size: number, tail: string): Uint8Array {
  const random = rng(seed);
  let out = '';
  while (out.length < size) {
    const length = random(8) === 0 ? random(3 * PAGE) : random(200);
    out += 'x'.repeat(length).replace(/x/g, () => String.fromCharCode(0x20 + random(95)));
    out += random(3) === 0 ? '\r\n' : '\n';
  }
  return Buffer.from(out + tail, 'latin1');
}

const cases: Array<[string, Uint8Array]> = [
  ['mixed lines, CRLF, a final line without newline', text(1, 300_000, 'no newline at the end')],
  ['mixed lines ending in a newline', text(2, 200_000, '')],
  ['a run of newlines longer than the kernel lists at once', Buffer.from(`head\n${'\n'.repeat(70_000)}\r\ntail`, 'latin1')],
  ['one line of several pages without newline', Buffer.from('y'.repeat(5 * PAGE + 7), 'latin1')],
  ['a newline on each page boundary', Buffer.from(Array.from({ length: 40 }, () => `${'z'.repeat(PAGE - 1)}\n`).join(''), 'latin1')],
  // the native scan takes 64 bytes a step (native-backend/src/search.c): newlines at every offset of a step, and 2–3 in one
  ['lines of every length from 0 to 129, newlines at every offset of a 64-byte step', Buffer.from(Array.from({ length: 700 }, (_, i) => `${'a'.repeat(i % 130)}\n`).join(''), 'latin1')],
  ['the empty file', new Uint8Array(0)],
];

const windowed: MapOptions = { backend: 'wasm', pageSize: PAGE, maxResident: 4 * PAGE };

describe.each(cases)('cursor.lines() over %s', (name, bytes) => {
  const path = () => join(dir, `${name.replace(/\W+/g, '-')}.txt`);
  beforeAll(() => writeFileSync(path(), bytes));

  it('yields a plain split on a windowed wasm map of 4 KiB pages and four frames, and on the native backend', () => {
    const expected = split(bytes);
    for (const options of [windowed, { backend: 'wasm' }, { backend: 'native' }] as MapOptions[]) {
      const map = openMap(path(), options);
      try {
        expect(lines(map)).toEqual(expected);
      } finally {
        map.close();
      }
    }
  });

  it('yields the same with random access advised (every run from frames) and from unaligned positions', () => {
    const map = openMap(path(), windowed);
    const native = openMap(path(), { backend: 'native' });
    try {
      map.advise('random');
      expect(lines(map)).toEqual(split(bytes));
      for (const position of [1, PAGE - 1, PAGE + 3, Math.floor(bytes.length / 2)]) {
        if (position > bytes.length) continue;
        expect(lines(map, position)).toEqual(lines(native, position));
      }
    } finally {
      map.close();
      native.close();
    }
  });
});
