/**
 * find()/rfind() on the wasm pager, linear in the text whatever the needle (issue 16
 * row 6): periodic text that defeats the SIMD filter, needles longer than the kernels'
 * buffer, and a differential fuzz of native, wasm (windowed) and async wasm against
 * Buffer#indexOf / #lastIndexOf, long needles included.
 */
import fc from 'fast-check';
import { openMap, openMapAsync } from '../../src/entries/node.js';
import { tempFiles } from '../helpers/temp-files.js';

const KiB = 1024;
const files = tempFiles('search');
let count = 0;
afterAll(() => files.cleanup());

function file(bytes: Uint8Array): string {
  return files.file(`hay-${count++}.bin`, bytes);
}

/** The reference: Buffer's own search over [start, end). */
function expected(hay: Uint8Array, needle: Uint8Array, start: number, end: number, reverse: boolean): number {
  if (needle.length > end - start) return -1;
  const window = Buffer.from(hay.buffer, hay.byteOffset + start, end - start);
  const at = reverse ? window.lastIndexOf(needle) : window.indexOf(needle);
  return at < 0 ? -1 : start + at;
}

describe('periodic text and long needles', () => {
  // Failed before the fix: 'a' × 512 KiB with a 64 KiB needle of 'a's ending in 'b' took
  // ~23 s (every position a candidate, each verified byte by byte): past jest's 5 s.
  const hay = new Uint8Array(512 * KiB).fill(0x61);
  hay[hay.length - 1] = 0x62;
  const long = new Uint8Array(64 * KiB).fill(0x61);
  long[long.length - 1] = 0x62;
  const kernelSized = long.subarray(long.length - 8 * KiB);
  const middle = new Uint8Array(8 * KiB).fill(0x61);
  middle[4 * KiB] = 0x62; // first and last bytes match everywhere, the middle never does

  it.each([
    ['a 64 KiB needle', long],
    ['an 8 KiB needle the kernels hold', kernelSized],
    ['an 8 KiB needle with its one mismatch inside', middle],
  ])('sync, windowed: %s', (_, needle) => {
    using map = openMap(file(hay), { backend: 'wasm', pageSize: 4 * KiB, maxResident: 64 * KiB });
    expect(map.find(needle)).toBe(expected(hay, needle, 0, hay.length, false));
    expect(map.rfind(needle)).toBe(expected(hay, needle, 0, hay.length, true));
    expect(map.find(needle, 1000, hay.length - 1)).toBe(-1);
  });

  it.each([
    ['a 64 KiB needle', long],
    ['an 8 KiB needle with its one mismatch inside', middle],
  ])('async, a page at a time: %s', async (_, needle) => {
    await using map = await openMapAsync(new Blob([hay]), { pageSize: 4 * KiB, maxResident: 32 * KiB });
    expect(await map.find(needle)).toBe(expected(hay, needle, 0, hay.length, false));
    expect(await map.rfind(needle)).toBe(expected(hay, needle, 0, hay.length, true));
  });
});

describe('differential fuzz: native, wasm and async wasm agree with Buffer', () => {
  /** Text from a small alphabet with runs of one byte, so partial matches are everywhere. */
  const textArb = fc
    .tuple(fc.integer({ min: 1, max: 600 * KiB }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
    .map(([length, alphabet, seed]) => {
      const bytes = new Uint8Array(length);
      let x = seed | 1;
      for (let i = 0; i < length; ) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        const run = 1 + ((x >>> 8) % 64);
        bytes.fill(97 + ((x >>> 0) % alphabet), i, i + run);
        i += run;
      }
      return bytes;
    });
  const needleLengthArb = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1000, max: 3000 }),
    fc.integer({ min: 16 * KiB - 1, max: 16 * KiB + 1 }), fc.integer({ min: 20 * KiB, max: 70 * KiB }));

  it('find and rfind, with and without bounds', async () => {
    await fc.assert(
      fc.asyncProperty(textArb, needleLengthArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
        async (hay, needleLength, from, mutate, a, b) => {
          const at = Math.floor(from * Math.max(0, hay.length - needleLength));
          const needle = hay.slice(at, at + needleLength);
          if (mutate && needle.length > 2) needle[needle.length >> 1] ^= 1; // usually absent, with long partial matches
          const start = Math.floor(Math.min(a, b) * hay.length);
          const end = Math.floor(Math.max(a, b) * hay.length);
          const path = file(hay);
          using native = openMap(path, { backend: 'native' });
          using wasm = openMap(path, { backend: 'wasm', pageSize: 4 * KiB, maxResident: 64 * KiB });
          await using remote = await openMapAsync(new Blob([hay]), { pageSize: 4 * KiB, maxResident: 32 * KiB });
          for (const reverse of [false, true]) {
            const want = [expected(hay, needle, 0, hay.length, reverse), expected(hay, needle, start, end, reverse)];
            const search = (map: typeof native | typeof wasm, ...args: [number?, number?]) => (reverse ? map.rfind(needle, ...args) : map.find(needle, ...args));
            expect([reverse, search(native), search(native, start, end)]).toEqual([reverse, ...want]);
            expect([reverse, search(wasm), search(wasm, start, end)]).toEqual([reverse, ...want]);
            const remoteSearch = (...args: [number?, number?]) => (reverse ? remote.rfind(needle, ...args) : remote.find(needle, ...args));
            expect([reverse, await remoteSearch(), await remoteSearch(start, end)]).toEqual([reverse, ...want]);
          }
        }),
      { numRuns: 60, seed: 1612 },
    );
  }, 120_000);
});
