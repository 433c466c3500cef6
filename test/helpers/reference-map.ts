/**
 * A reference MemoryMap over a plain Uint8Array, for checking the conformance
 * cases themselves: it shares MapBase's validation and implements each hook in
 * the most obvious way. It is not a backend and never ships.
 */
import { MapBase } from '../../src/map/base.js';
import { resolveRange, normalizeOptions } from '../../src/args.js';
import { readOnly } from '../../src/errors.js';
import type { Lease } from '../../src/map/stream.js';
import type { Advice, MapOptions, MapStats, Residency } from '../../src/types.js';
import type { Fixture, Storage } from '../conformance/harness.js';

function indexOf(hay: Uint8Array, needle: Uint8Array, start: number, end: number): number {
  outer: for (let i = start; i + needle.length <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array, start: number, end: number): number {
  outer: for (let i = end - needle.length; i >= start; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

class ReferenceMap extends MapBase {
  readonly backend = 'wasm' as const;
  private bytes: Uint8Array;
  private dv: DataView;
  private readonly store: { bytes: Uint8Array };
  private readonly base: number;

  constructor(store: { bytes: Uint8Array }, options: MapOptions = {}) {
    const opts = normalizeOptions(options);
    if (opts.grow && opts.access !== 'write') throw readOnly('grow');
    const range = resolveRange(store.bytes.length, opts);
    if (range.growTo !== undefined) {
      const grown = new Uint8Array(range.growTo);
      grown.set(store.bytes);
      store.bytes = grown;
    }
    super(opts.access, range.length);
    this.store = store;
    this.base = range.offset;
    this.bytes = store.bytes.slice(range.offset, range.offset + range.length);
    this.dv = new DataView(this.bytes.buffer);
  }

  get stableViews(): boolean {
    return true;
  }
  private moved = { read: 0, written: 0 };
  protected copyOut(offset: number, target: Uint8Array): void {
    this.moved.read += target.length;
    target.set(this.bytes.subarray(offset, offset + target.length));
  }
  protected copyIn(data: Uint8Array, offset: number): void {
    this.moved.written += data.length;
    this.bytes.set(data, offset);
  }
  protected fillRange(value: number, offset: number, length: number): void {
    this.bytes.fill(value, offset, offset + length);
  }
  protected moveRange(dest: number, src: number, count: number): void {
    this.bytes.copyWithin(dest, src, src + count);
  }
  protected findRange(needle: Uint8Array, start: number, end: number): number {
    return indexOf(this.bytes, needle, start, end);
  }
  protected rfindRange(needle: Uint8Array, start: number, end: number): number {
    return lastIndexOf(this.bytes, needle, start, end);
  }
  protected viewRange(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
  protected typedIndex(offset: number): number {
    this.typed = this.dv;
    return offset;
  }
  protected flushRange(offset: number, length: number): void {
    this.store.bytes.set(this.bytes.subarray(offset, offset + length), this.base + offset);
  }
  protected flushRangeAsync(offset: number, length: number): Promise<void> {
    this.flushRange(offset, length);
    return Promise.resolve();
  }
  protected resizeTo(newLength: number): void {
    this.flushRange(0, this.length);
    const stored = new Uint8Array(this.base + newLength);
    stored.set(this.store.bytes.subarray(0, Math.min(stored.length, this.store.bytes.length)));
    const next = stored.slice(this.base);
    this.store.bytes = stored;
    structuredClone(this.bytes.buffer, { transfer: [this.bytes.buffer] });
    this.bytes = next;
    this.dv = new DataView(next.buffer);
    this.length = newLength;
  }
  protected adviseRange(_advice: Advice): void {}
  protected residencyNow(): Residency {
    return { residentBytes: this.length, mappedBytes: this.length };
  }
  protected statsNow(): MapStats {
    return { faults: 0, evictions: 0, bytesRead: this.moved.read, bytesWritten: this.moved.written, requests: 0, cacheHits: 0 };
  }
  protected openLease(): Lease {
    const bytes = this.bytes.slice(); // the reference simply snapshots
    return {
      copyOut: (offset, target) => {
        const n = Math.max(0, Math.min(target.length, bytes.length - offset));
        target.set(bytes.subarray(offset, offset + n));
        return n;
      },
      release: () => {},
    };
  }
  protected release(): void {
    structuredClone(this.bytes.buffer, { transfer: [this.bytes.buffer] }); // detaches old views, as backends do
    this.bytes = new Uint8Array(0);
    this.dv = new DataView(this.bytes.buffer);
  }
}

export function referenceFixture(): Fixture & { cleanup(): void } {
  return {
    name: 'reference',
    resizable: true,
    stableViews: true,
    storage(bytes: Uint8Array): Storage {
      const store = { bytes: bytes.slice() };
      return {
        open: (options?: MapOptions) => new ReferenceMap(store, options),
        contents: () => store.bytes.slice(),
      };
    },
    cleanup() {},
  };
}
