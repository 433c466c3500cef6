/**
 * The protocol a wasm map keeps with a user's PageSource: reads and writes inside
 * [0, size), coalesced; sync() after writing on flush; close() exactly once,
 * after any stream lease; ERR_MMAP_READ_ONLY where the source cannot write.
 */
import { openMap } from '../../src/entries/node.js';
import type { MapOptions, PageSource } from '../../src/types.js';
import { pattern } from '../conformance/harness.js';
import { expectBytes } from '../helpers/bytes.js';

type Call = { op: 'read' | 'write'; position: number; length: number } | { op: 'sync' | 'close' | 'truncate'; size?: number };

/** A PageSource over an array that records every call. */
function recordingSource(bytes: Uint8Array, options: { maxRead?: number; writable?: boolean; resizable?: boolean } = {}) {
  let data = bytes;
  const calls: Call[] = [];
  const source: PageSource & { calls: Call[]; data(): Uint8Array } = {
    calls,
    data: () => data,
    get size() {
      return data.length;
    },
    read(into, position) {
      const length = Math.min(into.length, options.maxRead ?? Infinity);
      calls.push({ op: 'read', position, length });
      const count = Math.max(0, Math.min(length, data.length - position));
      into.set(data.subarray(position, position + count));
      return count;
    },
    sync() {
      calls.push({ op: 'sync' });
    },
    close() {
      calls.push({ op: 'close' });
    },
  };
  if (options.writable !== false) {
    source.write = (from, position) => {
      calls.push({ op: 'write', position, length: from.length });
      data.set(from, position);
      return from.length;
    };
  }
  if (options.resizable) {
    source.truncate = (size) => {
      calls.push({ op: 'truncate', size });
      const next = new Uint8Array(size);
      next.set(data.subarray(0, size));
      data = next;
    };
  }
  return source;
}

const PAGE = 4096;
const windowed: MapOptions = { backend: 'wasm', pageSize: PAGE, maxResident: 4 * PAGE };
const identity: MapOptions = { backend: 'wasm', pageSize: PAGE };

const closes = (source: { calls: Call[] }) => source.calls.filter((c) => c.op === 'close').length;

describe('a wasm map over a PageSource', () => {
  it('reads and writes only inside [0, size), also from an odd offset to an odd end', () => {
    const bytes = pattern(10 * PAGE + 123);
    for (const options of [windowed, identity]) {
      const source = recordingSource(bytes.slice());
      const map = openMap(source, { ...options, access: 'write', offset: 1000, length: 8 * PAGE + 7 });
      expectBytes(map.read(0), bytes.subarray(1000, 1000 + 8 * PAGE + 7));
      map.fill(9, 0, map.byteLength);
      map.close();
      for (const call of source.calls) {
        if (call.op !== 'read' && call.op !== 'write') continue;
        expect(call.position).toBeGreaterThanOrEqual(1000);
        expect(call.position + call.length).toBeLessThanOrEqual(1000 + 8 * PAGE + 7);
      }
      expectBytes(source.data().subarray(0, 1000), bytes.subarray(0, 1000));
      expectBytes(source.data().subarray(1000 + 8 * PAGE + 7), bytes.subarray(1000 + 8 * PAGE + 7));
      expect(source.data().subarray(1000, 1000 + 8 * PAGE + 7).every((b) => b === 9)).toBe(true);
    }
  });

  it('reads a run of missing pages in one request and writes adjacent dirty pages in one', () => {
    const source = recordingSource(pattern(16 * PAGE));
    const map = openMap(source, { ...identity, access: 'write' });
    expect(map.read(PAGE, 6 * PAGE).length).toBe(6 * PAGE);
    expect(source.calls).toEqual([{ op: 'read', position: PAGE, length: 6 * PAGE }]);
    expect(map.stats()).toEqual({ faults: 6, evictions: 0, bytesRead: 6 * PAGE, bytesWritten: 0, requests: 1, cacheHits: 0 });
    map.fill(1, PAGE + 10, 3 * PAGE);
    map.setUint8(10 * PAGE, 1);
    source.calls.length = 0;
    map.flush();
    expect(source.calls).toEqual([
      { op: 'write', position: PAGE, length: 4 * PAGE },
      { op: 'write', position: 10 * PAGE, length: PAGE },
      { op: 'sync' },
    ]);
    map.close();
  });

  it('keeps asking while the source returns short counts, and zero-fills past its end', () => {
    const bytes = pattern(3 * PAGE + 5);
    const source = recordingSource(bytes, { maxRead: 1000 });
    using map = openMap(source, windowed);
    expectBytes(map.read(0), bytes);
    expect(map.stats().requests).toBeGreaterThan(12);
  });

  it('flush(offset, length) writes only that range, then syncs', () => {
    const source = recordingSource(pattern(8 * PAGE));
    using map = openMap(source, { ...identity, access: 'write' });
    map.setUint8(0, 1);
    map.setUint8(5 * PAGE + 3, 2);
    map.flush(5 * PAGE, 10);
    expect(source.calls.filter((c) => c.op !== 'read')).toEqual([{ op: 'write', position: 5 * PAGE, length: PAGE }, { op: 'sync' }]);
    expect(source.data()[0]).not.toBe(1);
    expect(source.data()[5 * PAGE + 3]).toBe(2);
    map.flush(5 * PAGE, 10);
    expect(source.calls.filter((c) => c.op === 'write').length).toBe(1);
  });

  it('calls close() exactly once, after the map is closed', () => {
    const source = recordingSource(pattern(PAGE));
    const map = openMap(source, windowed);
    map.read(0, 10);
    expect(closes(source)).toBe(0);
    map.close();
    map.close();
    expect(closes(source)).toBe(1);
  });

  it('keeps the source open for a stream until the stream ends, after close()', async () => {
    const bytes = pattern(20 * PAGE);
    const source = recordingSource(bytes);
    const map = openMap(source, windowed);
    const stream = map.stream(100);
    map.close();
    expect(map.closed).toBe(true);
    expect(closes(source)).toBe(0);
    const chunks: Uint8Array[] = [];
    const reader = stream.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) chunks.push(part.value);
    expectBytes(Buffer.concat(chunks), bytes.subarray(100));
    expect(closes(source)).toBe(1);
  });

  it('closes the source once when a stream is cancelled after close()', async () => {
    const source = recordingSource(pattern(20 * PAGE));
    const map = openMap(source, windowed);
    const reader = map.stream().getReader();
    expect((await reader.read()).value?.length).toBeGreaterThan(0);
    map.close();
    await reader.cancel();
    expect(closes(source)).toBe(1);
  });

  it("refuses 'write' on a source without write(), and resize or grow without truncate()", () => {
    const readOnly = recordingSource(pattern(PAGE), { writable: false });
    expect(() => openMap(readOnly, { backend: 'wasm', access: 'write' })).toThrow(expect.objectContaining({ code: 'ERR_MMAP_READ_ONLY' }));
    expect(closes(readOnly)).toBe(0);
    const fixed = recordingSource(pattern(PAGE));
    expect(() => openMap(fixed, { backend: 'wasm', access: 'write', length: 2 * PAGE, grow: true })).toThrow(
      expect.objectContaining({ code: 'ERR_MMAP_READ_ONLY' }),
    );
    using map = openMap(fixed, { backend: 'wasm', access: 'write' });
    expect(() => map.resize(10)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_READ_ONLY' }));
    expect(map.byteLength).toBe(PAGE);
  });

  it('grows and resizes through truncate(), flushing changes first', () => {
    const source = recordingSource(pattern(PAGE), { resizable: true });
    const map = openMap(source, { ...windowed, access: 'write', offset: 10, length: 6 * PAGE, grow: true });
    expect(source.calls[0]).toEqual({ op: 'truncate', size: 10 + 6 * PAGE });
    expect(map.stableViews).toBe(false);
    map.fill(7, 5 * PAGE, PAGE);
    map.resize(2 * PAGE);
    expect(source.calls.at(-1)).toEqual({ op: 'truncate', size: 10 + 2 * PAGE });
    expect(map.stableViews).toBe(true);
    expect(source.data().length).toBe(10 + 2 * PAGE);
    map.resize(5 * PAGE);
    expect(map.stableViews).toBe(false);
    expect(map.read(2 * PAGE, 10)).toEqual(new Uint8Array(10));
    map.close();
  });

  it('stays usable after the source fails a read', () => {
    const bytes = pattern(8 * PAGE);
    const source = recordingSource(bytes);
    let failures = 1;
    const read = source.read.bind(source);
    source.read = (into, position) => {
      if (failures-- > 0) throw new Error('disk on fire');
      return read(into, position);
    };
    using map = openMap(source, windowed);
    expect(() => map.read(0, 100)).toThrow('disk on fire');
    expect(map.read(0, 100)).toEqual(bytes.subarray(0, 100));
    expect(map.residency().residentBytes).toBe(PAGE);
  });
});
