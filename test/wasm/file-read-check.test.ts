/**
 * The file source's filter for reads that may hold a cut's zeros (src/sources/file.ts):
 * such zeros run to a page end or to the read's end, so those bytes are what it looks
 * at. The stress test (test/truncation/stress.test.ts) shows the whole check at work.
 */
import { mayHoldCutZeros } from '../../src/sources/file.js';

const ones = (n: number) => new Uint8Array(n).fill(1);

test('a read with no zero before a 4 KiB boundary nor at its end is taken as it is', () => {
  const bytes = ones(3 * 4096);
  bytes[100] = 0; // zeros inside a page, followed by data: not a cut's tail
  bytes[4096 + 7] = 0;
  expect(mayHoldCutZeros(bytes, bytes.length, 0)).toBe(false);
  expect(mayHoldCutZeros(bytes, bytes.length, 4096 * 10)).toBe(false);
});

test.each([
  ['the last byte', 0, 3 * 4096, 3 * 4096 - 1],
  ['the byte before the first boundary', 0, 3 * 4096, 4095],
  ['the byte before a later boundary', 0, 3 * 4096, 2 * 4096 - 1],
  ['the byte before a boundary, for a read that starts inside a page', 1000, 8192, 4096 - 1000 - 1],
  ['the last byte of a read shorter than a page', 4096 * 5 + 10, 20, 19],
])('a zero at %s needs the check', (_what, position, count, zeroAt) => {
  const bytes = ones(count);
  bytes[zeroAt] = 0;
  expect(mayHoldCutZeros(bytes, count, position)).toBe(true);
});

test('only the `count` bytes read are looked at', () => {
  const bytes = ones(8192);
  bytes[8191] = 0; // past the count
  expect(mayHoldCutZeros(bytes, 5000, 0)).toBe(false);
  bytes[4999] = 0;
  expect(mayHoldCutZeros(bytes, 5000, 0)).toBe(true);
});
