/**
 * xxHash32 (Yann Collet's XXH32, as specified in the xxHash repository's
 * doc/xxhash_spec.md): a fast non-cryptographic checksum. The built-in caches use it
 * to notice entries damaged on disk or in storage, not to resist an attacker, so a
 * 32-bit hash that runs at memory speed is the right trade; it also names cache
 * files (two seeds, 64 bits), where a collision only costs a miss.
 */

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** One lane's round: acc + input × PRIME2, rotated, × PRIME1 (all mod 2^32). */
function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/** Little-endian u32 at `at` (the spec reads lanes little-endian whatever the host). */
function u32(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

/** The stripes (16 bytes at a time) of XXH32: returns the accumulator and where the tail starts. */
function stripes(bytes: Uint8Array, seed: number): { acc: number; at: number } {
  const length = bytes.length;
  if (length < 16) return { acc: (seed + PRIME5) | 0, at: 0 };
  let v1 = (seed + PRIME1 + PRIME2) | 0;
  let v2 = (seed + PRIME2) | 0;
  let v3 = seed | 0;
  let v4 = (seed - PRIME1) | 0;
  let at = 0;
  for (const limit = length - 16; at <= limit; at += 16) {
    v1 = round(v1, u32(bytes, at));
    v2 = round(v2, u32(bytes, at + 4));
    v3 = round(v3, u32(bytes, at + 8));
    v4 = round(v4, u32(bytes, at + 12));
  }
  return { acc: (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0, at };
}

/** XXH32 of `bytes` with `seed`, as an unsigned 32-bit number. */
export function xxh32(bytes: Uint8Array, seed = 0): number {
  let { acc, at } = stripes(bytes, seed);
  acc = (acc + bytes.length) | 0;
  for (; at + 4 <= bytes.length; at += 4) acc = Math.imul(rotl((acc + Math.imul(u32(bytes, at), PRIME3)) | 0, 17), PRIME4);
  for (; at < bytes.length; at++) acc = Math.imul(rotl((acc + Math.imul(bytes[at], PRIME5)) | 0, 11), PRIME1);
  acc = Math.imul(acc ^ (acc >>> 15), PRIME2);
  acc = Math.imul(acc ^ (acc >>> 13), PRIME3);
  return (acc ^ (acc >>> 16)) >>> 0;
}

const encoder = new TextEncoder();

/**
 * A 16-hex-digit name for `key` (XXH32 with two seeds): keys are long strings with
 * newlines, so files and URLs are named by this instead; the entry holds the key
 * itself, so two keys with one name read as a miss, never as each other's bytes.
 */
export function keyName(key: string): string {
  const bytes = encoder.encode(key);
  return xxh32(bytes, 0).toString(16).padStart(8, '0') + xxh32(bytes, PRIME1).toString(16).padStart(8, '0');
}
