/**
 * How every built-in cache stores one page: a header, the key, the payload.
 *
 *   0  magic "PMPC"          4 bytes
 *   4  format version (1)    1 byte, then 3 zero bytes
 *   8  key length            u32 LE (bytes of the key's UTF-8)
 *  12  payload length        u32 LE
 *  16  checksum              u32 LE: XXH32 of everything after the header, seeded with the payload length
 *  20  key, then payload
 *
 * A store can hand back anything (a torn file, a flipped bit, another key's entry
 * under a colliding name, someone else's file): decoding checks it all and says
 * which, and never throws.
 */
import { xxh32 } from './checksum.js';

export const ENTRY_MAGIC = 0x43504d50; // "PMPC" read little-endian
export const ENTRY_VERSION = 1;
export const HEADER_BYTES = 20;

const encoder = new TextEncoder();

/** What a stored entry turned out to be. */
export type Decoded =
  | { kind: 'hit'; payload: Uint8Array }
  /** A sound entry of another key (the names collided): a miss, but nothing to delete. */
  | { kind: 'other-key' }
  /** Damaged, truncated or not an entry at all: a miss, and the entry should go. */
  | { kind: 'corrupt' };

/** The stored form of `payload` under `key` (a new buffer: the payload is copied in). */
export function encodeEntry(key: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const keyBytes = encoder.encode(key);
  const entry = new Uint8Array(HEADER_BYTES + keyBytes.length + payload.length);
  entry.set(keyBytes, HEADER_BYTES);
  entry.set(payload, HEADER_BYTES + keyBytes.length);
  const header = new DataView(entry.buffer, entry.byteOffset, HEADER_BYTES);
  header.setUint32(0, ENTRY_MAGIC, true);
  header.setUint8(4, ENTRY_VERSION);
  header.setUint32(8, keyBytes.length, true);
  header.setUint32(12, payload.length, true);
  header.setUint32(16, xxh32(entry.subarray(HEADER_BYTES), payload.length), true);
  return entry;
}

/** The stored size of an entry for `key` with `payloadLength` bytes, for budgets. */
export function entryLength(key: string, payloadLength: number): number {
  return HEADER_BYTES + encoder.encode(key).length + payloadLength;
}

/** Whether `stored[at..]` holds exactly `keyBytes`. */
function sameKey(stored: Uint8Array, at: number, keyBytes: Uint8Array): boolean {
  for (let i = 0; i < keyBytes.length; i++) if (stored[at + i] !== keyBytes[i]) return false;
  return true;
}

// Buffers and arrays of another realm (node:fs under a jest vm context) fail instanceof.
const isBytes = (value: unknown): value is Uint8Array => Object.prototype.toString.call(value) === '[object Uint8Array]';

/** Checks `stored` against `key`; the payload of a hit is a view into `stored`. */
export function decodeEntry(key: string, stored: unknown): Decoded {
  if (!isBytes(stored) || stored.length < HEADER_BYTES) return { kind: 'corrupt' };
  const header = new DataView(stored.buffer, stored.byteOffset, HEADER_BYTES);
  // the version's u32 includes the three reserved bytes, which must be zero
  if (header.getUint32(0, true) !== ENTRY_MAGIC || header.getUint32(4, true) !== ENTRY_VERSION) return { kind: 'corrupt' };
  const keyLength = header.getUint32(8, true);
  const payloadLength = header.getUint32(12, true);
  if (HEADER_BYTES + keyLength + payloadLength !== stored.length) return { kind: 'corrupt' };
  if (header.getUint32(16, true) !== xxh32(stored.subarray(HEADER_BYTES), payloadLength)) return { kind: 'corrupt' };
  const keyBytes = encoder.encode(key);
  if (keyLength !== keyBytes.length || !sameKey(stored, HEADER_BYTES, keyBytes)) return { kind: 'other-key' };
  return { kind: 'hit', payload: stored.subarray(HEADER_BYTES + keyLength) };
}
