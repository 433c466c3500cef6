/** Byte assertions for large arrays (jest's toEqual walks them slowly). */

/** Throws with the first differing index unless `actual` holds exactly the bytes of `expected`. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  if (actual.length === expected.length && Buffer.compare(actual, expected) === 0) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  throw new Error(`${what} differ: lengths ${actual.length} and ${expected.length}, first difference at ${i} (${actual[i]} vs ${expected[i]})`);
}
