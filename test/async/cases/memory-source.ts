/** An AsyncPageSource over a Uint8Array, written the way a user would, that records its calls. */
import type { AsyncPageSource } from '../../../src/types.js';

export interface MemorySource extends AsyncPageSource {
  /** The bytes the source holds now. */
  bytes: Uint8Array;
  readonly calls: { read: number; write: number; truncate: number; sync: number; close: number };
  /** Writes wait for this before they land (to hold them in flight). */
  writeGate: Promise<void>;
  /** Reads that reach `heldFrom` or beyond wait for `readGate` (to hold them in flight). */
  readGate: Promise<void>;
  heldFrom: number;
}

const delay = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export function memorySource(initial: Uint8Array, options: { writable?: boolean } = {}): MemorySource {
  const source: MemorySource = {
    bytes: initial.slice(),
    calls: { read: 0, write: 0, truncate: 0, sync: 0, close: 0 },
    writeGate: Promise.resolve(),
    readGate: Promise.resolve(),
    heldFrom: Infinity,
    get size() {
      return source.bytes.length;
    },
    async read(into, position) {
      source.calls.read++;
      await delay();
      if (position + into.length > source.heldFrom) await source.readGate;
      const count = Math.max(0, Math.min(into.length, source.bytes.length - position));
      into.set(source.bytes.subarray(position, position + count));
      return count;
    },
    async close() {
      source.calls.close++;
    },
  };
  if (options.writable !== false) {
    source.write = async (from, position) => {
      source.calls.write++;
      await source.writeGate;
      source.bytes.set(from, position);
      return from.length;
    };
    source.truncate = async (size) => {
      source.calls.truncate++;
      const next = new Uint8Array(size);
      next.set(source.bytes.subarray(0, size));
      source.bytes = next;
    };
    source.sync = async () => {
      source.calls.sync++;
    };
  }
  return source;
}
