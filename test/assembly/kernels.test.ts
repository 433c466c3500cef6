/**
 * The byte kernels (debug build) against plain JS references: memchr/memrchr,
 * find/rfind fed run by run with the runs scattered through memory (as frames
 * are), so needles that cross runs must be found through the carry window, and
 * the line scan. Then exhaustive small windows through a windowed WasmMap.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATUS, type KernelExports } from '../../src/backends/wasm/abi.js';
import type { PagerInstance } from '../../src/backends/wasm/module.js';
import { openMap } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { rng } from '../helpers/random.js';
import { debugInstance } from './load-debug.js';

const FRAMES = 32;
const FRAME_BYTES = 4096;

function firstIndex(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function lastIndex(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** A data instance with room for FRAMES frames; `place` puts bytes in frame order given by `slots`. */
function kernels(): { instance: PagerInstance; k: KernelExports; base: number; heap: () => Uint8Array } {
  const instance = debugInstance();
  const base = instance.exports.initData(FRAMES, FRAME_BYTES);
  expect(base).toBeGreaterThan(0);
  return { instance, k: instance.exports, base, heap: () => new Uint8Array(instance.memory.buffer) };
}

/** Splits `length` into runs of 1..maxRun bytes. */
function splitRuns(length: number, random: (n: number) => number, maxRun: number): number[] {
  const runs: number[] = [];
  for (let done = 0; done < length; ) {
    const size = Math.min(length - done, 1 + random(maxRun));
    runs.push(size);
    done += size;
  }
  return runs;
}

describe('byte kernels (debug build)', () => {
  const { instance, k, base, heap } = kernels();
  const needleAt = instance.layout.needlePointer;

  /** Copies runs of `hay` apart from each other (random gaps, as frames of pages are) and returns their addresses. */
  function scatter(hay: Uint8Array, runs: number[], random: (n: number) => number): number[] {
    const addresses: number[] = [];
    let done = 0;
    let at = base;
    for (const size of runs) {
      at += random(17);
      heap().set(hay.subarray(done, done + size), at);
      addresses.push(at);
      at += size;
      done += size;
    }
    expect(at).toBeLessThan(base + FRAMES * FRAME_BYTES);
    return addresses;
  }

  /** Where a search that the kernel gave up on (COSTLY) has ruled matches out: the host searches on from there. */
  interface Costly {
    costly: number;
  }

  function findByRuns(hay: Uint8Array, needle: Uint8Array, runs: number[], addresses: number[]): number | Costly {
    heap().set(needle, needleAt);
    k.findBegin(needle.length);
    let offset = 0;
    for (let i = 0; i < runs.length; i++) {
      const found = k.findRun(addresses[i], runs[i]);
      const windowStart = offset - Math.min(needle.length - 1, offset);
      if (found === STATUS.COSTLY) return { costly: windowStart }; // no match starts before windowStart
      if (found >= 0) return windowStart + found;
      expect(found).toBe(STATUS.NOT_FOUND);
      offset += runs[i];
    }
    return -1;
  }

  function rfindByRuns(needle: Uint8Array, runs: number[], addresses: number[]): number | Costly {
    heap().set(needle, needleAt);
    k.findBegin(needle.length);
    let end = runs.reduce((a, b) => a + b, 0);
    for (let i = runs.length - 1; i >= 0; i--) {
      const stop = end;
      end -= runs[i];
      const found = k.rfindRun(addresses[i], runs[i]);
      if (found === STATUS.COSTLY) return { costly: stop }; // no match starts at or after stop
      if (found >= 0) return end + found;
      expect(found).toBe(STATUS.NOT_FOUND);
    }
    return -1;
  }

  /** A kernel's answer checked against the plain search: exact, or COSTLY with nothing missed before it gave up. */
  function agrees(got: number | Costly, expected: number, forward: boolean): boolean {
    if (typeof got === 'number') return got === expected;
    return forward ? expected === -1 || expected >= got.costly : expected < got.costly;
  }

  it('memchr and memrchr agree with indexOf/lastIndexOf at every position and length', () => {
    const bytes = pattern(300, 9);
    heap().set(bytes, base + 7);
    for (let length = 0; length <= 200; length++) {
      const window = bytes.subarray(0, length);
      for (const byte of [bytes[0], bytes[63], bytes[150], 0x100 - 1, 7]) {
        expect([length, byte, k.memchr(base + 7, length, byte)]).toEqual([length, byte, window.indexOf(byte)]);
        expect([length, byte, k.memrchr(base + 7, length, byte)]).toEqual([length, byte, window.lastIndexOf(byte)]);
      }
    }
  });

  it('find and rfind run by run agree with a plain search, needles crossing runs included', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const length = 1 + random(6000);
      // a small alphabet makes partial matches (and matches across runs) common
      const hay = pattern(length, seed).map((b) => b % (2 + (seed % 4)));
      const needleLength = 1 + random(seed % 5 === 0 ? 300 : 12);
      const at = random(length);
      const needle = random(5) === 0 ? pattern(needleLength, seed + 1).map((b) => b % 3) : hay.slice(at, at + needleLength);
      if (needle.length === 0) continue;
      const runs = splitRuns(length, random, seed % 2 === 0 ? 7 : 2000);
      const addresses = scatter(hay, runs, random);
      const found = findByRuns(hay, needle, runs, addresses);
      const foundLast = rfindByRuns(needle, runs, addresses);
      expect([seed, found, agrees(found, firstIndex(hay, needle), true)]).toEqual([seed, found, true]);
      expect([seed, foundLast, agrees(foundLast, lastIndex(hay, needle), false)]).toEqual([seed, foundLast, true]);
    }
  });

  it('gives up with COSTLY on periodic text instead of verifying every candidate, and never on ordinary text', () => {
    const hay = new Uint8Array(FRAME_BYTES).fill(0x61);
    const needle = new Uint8Array(2000).fill(0x61);
    needle[1000] = 0x62; // first and last bytes match everywhere; the middle never does
    heap().set(hay, base);
    heap().set(needle, needleAt);
    k.findBegin(needle.length);
    expect(k.findRun(base, hay.length)).toBe(STATUS.COSTLY);
    k.findBegin(needle.length);
    expect(k.rfindRun(base, hay.length)).toBe(STATUS.COSTLY);
    const text = pattern(FRAME_BYTES, 5);
    heap().set(text, base);
    const present = text.slice(1500, 1700);
    heap().set(present, needleAt);
    k.findBegin(present.length);
    expect(k.findRun(base, text.length)).toBe(firstIndex(text, present));
  });

  it('finds the longest needle the scratch takes across page-sized runs', () => {
    const capacity = instance.layout.needleCapacity;
    const hay = pattern(6 * FRAME_BYTES, 3);
    const needle = hay.slice(FRAME_BYTES + 5, FRAME_BYTES + 5 + capacity);
    const runs = splitRuns(hay.length, () => FRAME_BYTES - 1, FRAME_BYTES);
    const addresses = scatter(hay, runs, rng(4));
    expect(findByRuns(hay, needle, runs, addresses)).toBe(FRAME_BYTES + 5);
    expect(rfindByRuns(needle, runs, addresses)).toBe(FRAME_BYTES + 5);
  });

  it('the line scan lists every newline plus its base, and resumes after a full list', () => {
    const random = rng(77);
    const text = pattern(60_000, 5).map((b) => (random(9) === 0 ? 0x0a : b === 0x0a ? 0x41 : b));
    heap().set(text, base);
    const found: number[] = [];
    for (let from = 0; from < text.length; ) {
      const count = k.scanLines(base + from, text.length - from, from);
      const ends = new Int32Array(instance.memory.buffer, instance.layout.linesPointer, count);
      found.push(...ends);
      if (count < instance.layout.linesCapacity) break;
      from = ends[count - 1] + 1;
    }
    const expected = [...text.keys()].filter((i) => text[i] === 0x0a);
    expect(expected.length).toBeGreaterThan(instance.layout.linesCapacity);
    expect(found).toEqual(expected);
  });
});

describe('find/rfind through a windowed map, exhaustively near a page boundary', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portable-mmap-kernels-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees with a plain search for every (start, end) in a 64-byte window straddling a page boundary', () => {
    const page = 4096;
    const bytes = pattern(4 * page, 11).map((b) => b % 4);
    const path = join(dir, 'window.bin');
    writeFileSync(path, bytes);
    using map = openMap(path, { backend: 'wasm', pageSize: page, maxResident: 2 * page });
    const lo = 2 * page - 32;
    const needles = [bytes.slice(2 * page - 3, 2 * page + 2), bytes.slice(2 * page - 1, 2 * page + 1), Uint8Array.of(bytes[2 * page]), bytes.slice(lo, lo + 9)];
    for (const needle of needles) {
      for (let start = lo; start <= lo + 64; start++) {
        for (let end = start; end <= lo + 64; end++) {
          const window = bytes.subarray(start, end);
          const first = firstIndex(window, needle);
          const last = lastIndex(window, needle);
          expect([start, end, map.find(needle, start, end)]).toEqual([start, end, first < 0 ? -1 : start + first]);
          expect([start, end, map.rfind(needle, start, end)]).toEqual([start, end, last < 0 ? -1 : start + last]);
        }
      }
    }
  });
});
