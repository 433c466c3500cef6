/** find / rfind: Python's semantics, needles of every kind, matches across page boundaries. */
import { ascii, pattern, type Case } from '../harness.js';

/** Plain reference search over [start, end). */
function refFind(hay: Uint8Array, needle: Uint8Array, start: number, end: number, reverse: boolean): number {
  if (start > end) return -1;
  if (needle.length === 0) return reverse ? end : start;
  const first = start;
  const last = end - needle.length;
  for (let k = 0; k <= last - first; k++) {
    const i = reverse ? last - k : first + k;
    let j = 0;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Text with a needle planted at given offsets, in a haystack whose bytes avoid the needle's first byte. */
function planted(length: number, needle: Uint8Array, at: number[]): Uint8Array {
  const hay = pattern(length, 7).map((b) => (b === needle[0] ? b ^ 0x80 : b));
  for (const i of at) hay.set(needle, i);
  return hay;
}

export const searchCases: Case[] = [
  {
    name: 'find() and rfind() take bytes, UTF-8 strings and byte values',
    run(f, t) {
      const hay = planted(50_000, ascii('NEEDLE'), [3, 40_000]);
      hay[20_000] = 0x00;
      using map = f.storage(hay).open();
      t.equal(map.find(ascii('NEEDLE')), 3);
      t.equal(map.find('NEEDLE', 4), 40_000);
      t.equal(map.rfind('NEEDLE'), 40_000);
      t.equal(map.rfind('NEEDLE', 0, 40_005), 3, 'a match must end by `end`');
      t.equal(map.find('NEEDLE', 0, 9), 3);
      t.equal(map.find('NEEDLE', 0, 8), -1, 'a match must end by `end`');
      t.equal(map.find(0x00), hay.indexOf(0));
      t.equal(map.rfind(0x00), hay.lastIndexOf(0));
      t.equal(map.find('absent needle'), -1);
      t.throwsCode(() => map.find(256), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.find({} as never), 'ERR_INVALID_ARG_TYPE');
    },
  },
  {
    name: 'find() follows Python: an empty needle is found at start (rfind: at end); start > end gives -1',
    run(f, t) {
      using map = f.storage(pattern(100)).open();
      t.equal(map.find(new Uint8Array(0)), 0);
      t.equal(map.find('', 40), 40);
      t.equal(map.find('', 100), 100);
      t.equal(map.rfind(''), 100);
      t.equal(map.rfind('', 10, 60), 60);
      t.equal(map.find('', 60, 10), -1);
      t.equal(map.rfind(0, 60, 10), -1);
      t.throwsCode(() => map.find('', 101), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.find('', 0, 101), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.rfind('', -1), 'ERR_OUT_OF_RANGE');
    },
  },
  {
    name: 'needles crossing page boundaries are found (4 KiB and 64 KiB boundaries)',
    run(f, t) {
      const needle = pattern(40, 3);
      const spots = [4_096 - 20, 8_192 - 1, 65_536 - 39, 65_536 + 4_096 - 1, 131_072 - 40];
      const hay = planted(140_000, needle, spots);
      using map = f.storage(hay).open();
      let at = -1;
      const found: number[] = [];
      while ((at = map.find(needle, at + 1)) !== -1) found.push(at);
      t.equal(found, spots, 'every planted needle, in order');
      const back: number[] = [];
      let end = map.byteLength;
      while ((at = map.rfind(needle, 0, end)) !== -1) {
        back.push(at);
        end = at + needle.length - 1;
      }
      t.equal(back, [...spots].reverse(), 'rfind walks back');
    },
  },
  {
    name: 'a needle longer than a page, and a needle at the very end',
    run(f, t) {
      const needle = pattern(70_000, 11);
      const hay = new Uint8Array(300_000);
      hay.set(needle, 100_001);
      hay.set(needle.subarray(0, 16), 300_000 - 16);
      using map = f.storage(hay).open();
      t.equal(map.find(needle), 100_001);
      t.equal(map.rfind(needle), 100_001);
      t.equal(map.find(needle.subarray(0, 16), 100_002), 300_000 - 16, 'at the very end');
      t.equal(map.find(needle.subarray(0, 16), 100_002, 300_000 - 1), -1);
    },
  },
  {
    name: 'exhaustive: read, find and rfind for every (start, end) in a 64-byte window around a page boundary',
    run(f, t) {
      const base = 4_096 - 32;
      const hay = new Uint8Array(8_192);
      for (let i = 0; i < hay.length; i++) hay[i] = 'abcab'.charCodeAt(i % 5) ^ (i % 7 === 0 ? 1 : 0);
      using map = f.storage(hay).open();
      const needles = [ascii('ab'), ascii('cab'), ascii('b'), new Uint8Array([0x60])];
      for (let start = base; start <= base + 64; start++) {
        for (let end = base; end <= base + 64; end++) {
          t.equal(map.read(start, Math.max(0, end - start)), hay.subarray(start, Math.max(start, end)), `read ${start}..${end}`);
          for (const needle of needles) {
            t.equal(map.find(needle, start, end), refFind(hay, needle, start, end, false), `find ${start}..${end}`);
            t.equal(map.rfind(needle, start, end), refFind(hay, needle, start, end, true), `rfind ${start}..${end}`);
          }
        }
      }
    },
  },
  {
    name: 'find() sees bytes written through the map',
    run(f, t) {
      using map = f.storage(new Uint8Array(200_000)).open({ access: 'write' });
      t.equal(map.find('marker'), -1);
      map.write('marker', 150_000);
      t.equal(map.find('marker'), 150_000);
      t.equal(map.rfind('mark'), 150_000);
    },
  },
];
