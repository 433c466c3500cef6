/** xorshift32: reproducible random streams; tests put the seed in every failure message. */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** A 32-bit hash of (seed, index) (lowbias32): word `index` of a seeded pseudo-random object, computed in any order. */
export function mix32(seed: number, index: number): number {
  let x = (index + Math.imul(seed, 0x9e3779b9)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Bytes [position, position + length) of the seeded object whose 32-bit word i is
 * mix32(seed, i), in the platform's byte order: a test checks any range of a large
 * object without holding the object (the server fills the same words).
 */
export function seededBytes(seed: number, position: number, length: number, into = new Uint8Array(length)): Uint8Array {
  const first = Math.floor(position / 4);
  const words = new Uint32Array(Math.ceil((position + length) / 4) - first);
  for (let i = 0; i < words.length; i++) words[i] = mix32(seed, first + i);
  into.set(new Uint8Array(words.buffer, position - first * 4, length));
  return into.subarray(0, length);
}

/** The whole seeded object of `byteLength` bytes (see seededBytes), filled in place. */
export function seededObject(seed: number, byteLength: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(byteLength / 4));
  for (let i = 0; i < words.length; i++) words[i] = mix32(seed, i);
  return new Uint8Array(words.buffer, 0, byteLength);
}
