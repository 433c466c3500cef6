/**
 * Views, the instance pool and the 'copy' budget: old views never show another
 * map's bytes, pooled memory is clean, a change past the budget changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { acquireInstance, pooledInstances, releaseInstance } from '../../src/backends/wasm/pool.js';
import { openMap, openMapAsync, type AsyncPageSource } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { expectBytes } from '../helpers/bytes.js';
import { tempFiles } from '../helpers/temp-files.js';

const PAGE = 4096;
const files = tempFiles('lifecycle');
let count = 0;

function file(bytes: Uint8Array): string {
  return files.file(`file-${count++}.bin`, bytes);
}

afterAll(() => files.cleanup());

describe('views of a wasm map', () => {
  it('become zero-length at close(), and never show the next map that reuses the memory', () => {
    const first = openMap(file(new Uint8Array(8 * PAGE).fill(0xaa)), { backend: 'wasm', pageSize: PAGE });
    const view = first.view();
    const whole = new Uint8Array(view.buffer);
    expect(view[5]).toBe(0xaa);
    first.close();
    expect([view.length, view.buffer.byteLength, whole.length, view[5]]).toEqual([0, 0, 0, undefined]);
    const pooled = pooledInstances();
    expect(pooled).toBeGreaterThanOrEqual(2);
    const second = openMap(file(new Uint8Array(8 * PAGE).fill(0xbb)), { backend: 'wasm', pageSize: PAGE });
    expect(pooledInstances()).toBe(pooled - 2);
    expect(second.read(0, 4)).toEqual(new Uint8Array(4).fill(0xbb));
    expect([view.length, whole.length, view[0]]).toEqual([0, 0, undefined]);
    // the reused memory holds no byte of the first map, not even outside the second map's pages
    const memory = new Uint8Array(second.view(0, 1).buffer);
    expect(memory.includes(0xaa)).toBe(false);
    second.close();
  });

  it('become zero-length at resize(), and new views show the resized map', () => {
    const bytes = pattern(4 * PAGE);
    const path = file(bytes);
    using map = openMap(path, { backend: 'wasm', access: 'write', pageSize: PAGE, maxResident: 8 * PAGE });
    const before = map.view(0, 2 * PAGE);
    before[0] = 42;
    map.resize(6 * PAGE);
    expect([before.length, before[0]]).toEqual([0, undefined]);
    expect(map.stableViews).toBe(true);
    const after = map.view();
    expect(after.length).toBe(6 * PAGE);
    expect(after[0]).toBe(42);
    expectBytes(after.subarray(1, 4 * PAGE), bytes.subarray(1));
    expect(after.subarray(4 * PAGE).every((b) => b === 0)).toBe(true);
    map.resize(20 * PAGE);
    expect([after.length, map.stableViews]).toEqual([0, false]);
    expect(() => map.view()).toThrow(expect.objectContaining({ code: 'ERR_MMAP_UNSTABLE_VIEW' }));
    expect(readFileSync(path)[0]).toBe(42);
  });

  it("reach the file through flush() on a 'write' map, and never from a 'read' map", () => {
    const bytes = pattern(3 * PAGE);
    const path = file(bytes);
    const writer = openMap(path, { backend: 'wasm', access: 'write', pageSize: PAGE });
    writer.view(PAGE, 10).fill(7);
    writer.flush();
    expect(readFileSync(path).subarray(PAGE, PAGE + 10)).toEqual(Buffer.alloc(10, 7));
    writer.view(2 * PAGE)[5] = 1;
    writer.close();
    expect(readFileSync(path)[2 * PAGE + 5]).toBe(1);
    const before = readFileSync(path);
    const reader = openMap(path, { backend: 'wasm', pageSize: PAGE });
    reader.view()[0] ^= 0xff;
    expect(reader.at(0)).toBe(before[0] ^ 0xff);
    reader.advise('dontneed');
    reader.close();
    expectBytes(readFileSync(path), before);
  });
});

/** Every byte of every idle instance's memory (they are taken from the pool and given back). */
function pooledBytesEqualTo(value: number): number {
  const taken = [];
  while (pooledInstances() > 0) taken.push(acquireInstance(0));
  let found = 0;
  for (const instance of taken) {
    const memory = new Uint8Array(instance.memory.buffer);
    for (let i = 0; i < memory.length; i++) if (memory[i] === value) found++;
  }
  for (const instance of taken) releaseInstance(instance);
  return found;
}

describe('the instance pool', () => {
  // Failed before the fix: resize() laid the tables out anew and forgot which frames had held
  // data, so close() zeroed none of them and the next map's memory held this map's bytes.
  it('holds no byte of a map that resized before it closed', () => {
    const path = file(new Uint8Array(64 * PAGE));
    const map = openMap(path, { backend: 'wasm', access: 'write', pageSize: PAGE, maxResident: 16 * PAGE });
    for (let page = 0; page < 64; page += 2) map.fill(0xc3, page * PAGE, PAGE);
    map.resize(40 * PAGE);
    map.fill(0xc3, 0, 8 * PAGE);
    map.resize(20 * PAGE);
    map.close();
    expect(pooledInstances()).toBeGreaterThanOrEqual(2);
    expect(pooledBytesEqualTo(0xc3)).toBe(0);
  });

  it('holds no byte of an async map that resized before it closed', async () => {
    let bytes = new Uint8Array(64 * PAGE);
    const source: AsyncPageSource = {
      get size() {
        return bytes.length;
      },
      read: async (into, position) => {
        const part = bytes.subarray(position, position + into.length);
        into.set(part);
        return part.length;
      },
      write: async (from, position) => {
        if (position + from.length > bytes.length) {
          const grown = new Uint8Array(position + from.length);
          grown.set(bytes);
          bytes = grown;
        }
        bytes.set(from, position);
        return from.length;
      },
      truncate: async (size) => {
        const next = new Uint8Array(size);
        next.set(bytes.subarray(0, size));
        bytes = next;
      },
    };
    const map = await openMapAsync(source, { access: 'write', pageSize: PAGE, maxResident: 16 * PAGE });
    for (let page = 0; page < 64; page += 2) await map.fill(0x5a, page * PAGE, PAGE);
    await map.resize(30 * PAGE);
    await map.fill(0x5a, 0, 4 * PAGE);
    await map.resize(10 * PAGE);
    await map.close();
    expect(pooledBytesEqualTo(0x5a)).toBe(0);
  });
});

describe('a failed resize()', () => {
  /** A source over `bytes` whose truncate() fails while `refuse` is set, as a full disk would. */
  function refusingSource(bytes: Uint8Array) {
    const state = { bytes, refuse: true };
    const source = {
      get size() {
        return state.bytes.length;
      },
      read(into: Uint8Array, position: number) {
        const part = state.bytes.subarray(position, position + into.length);
        into.set(part);
        return part.length;
      },
      write(from: Uint8Array, position: number) {
        state.bytes.set(from, position);
        return from.length;
      },
      truncate(size: number) {
        if (state.refuse) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        const next = new Uint8Array(size);
        next.set(state.bytes.subarray(0, size));
        state.bytes = next;
      },
    };
    return { state, source };
  }

  // Failed before the fix (issue 16 row 12): the pages were dropped and the tables laid out
  // anew before truncate() was asked, so its failure left the views detached.
  it('leaves the map, its length and its views as they were, and a later resize works', () => {
    const { state, source } = refusingSource(pattern(8 * PAGE));
    using map = openMap(source, { backend: 'wasm', access: 'write', pageSize: PAGE });
    const view = map.view(PAGE, 16);
    const before = view.slice();
    expect(() => map.resize(64 * PAGE)).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect([map.byteLength, view.length]).toEqual([8 * PAGE, 16]);
    expectBytes(view, before);
    view[0] = 99;
    expect(map.getUint8(PAGE)).toBe(99);
    state.refuse = false;
    map.resize(4 * PAGE);
    expect([map.byteLength, view.length, state.bytes.length]).toEqual([4 * PAGE, 0, 4 * PAGE]);
    expect(map.getUint8(PAGE)).toBe(99);
  });

  it('on an async map too', async () => {
    const { state, source: sync } = refusingSource(pattern(8 * PAGE));
    const source: AsyncPageSource = {
      get size() {
        return sync.size;
      },
      read: async (into, position) => sync.read(into, position),
      write: async (from, position) => sync.write(from, position),
      truncate: async (size) => sync.truncate(size),
    };
    const map = await openMapAsync(source, { access: 'write', pageSize: PAGE });
    await map.load(0, 8 * PAGE);
    const view = map.view(PAGE, 16);
    const before = view.slice();
    await expect(map.resize(64 * PAGE)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect([map.byteLength, view.length]).toEqual([8 * PAGE, 16]);
    expectBytes(view, before);
    expect(map.getUint8(PAGE)).toBe(before[0]);
    state.refuse = false;
    await map.resize(4 * PAGE);
    expect([map.byteLength, view.length]).toEqual([4 * PAGE, 0]);
    await map.close();
  });
});

describe('pages that are not resident', () => {
  it("show other writers' changes, also after advise('dontneed') on a fully resident map", () => {
    const bytes = pattern(4 * PAGE);
    const path = file(bytes);
    using map = openMap(path, { backend: 'wasm', pageSize: PAGE });
    map.advise('willneed');
    expect(map.residency().residentBytes).toBe(4 * PAGE);
    writeFileSync(path, new Uint8Array(4 * PAGE).fill(3));
    expect(map.getUint8(PAGE)).toBe(bytes[PAGE]); // resident: the old bytes
    map.advise('dontneed', PAGE, PAGE);
    expect(map.residency().residentBytes).toBe(3 * PAGE);
    expect([map.getUint8(PAGE), map.getUint8(0)]).toEqual([3, bytes[0]]);
  });
});

describe("a 'copy' map's budget", () => {
  it('refuses a change that would pin all but two frames, before changing a byte', () => {
    const bytes = pattern(16 * PAGE);
    const path = file(bytes);
    using map = openMap(path, { backend: 'wasm', access: 'copy', pageSize: PAGE, maxResident: 4 * PAGE });
    map.write(new Uint8Array([1, 2, 3]), PAGE - 1); // pins pages 0 and 1
    const expected = bytes.slice();
    expected.set([1, 2, 3], PAGE - 1);
    const noMemory = expect.objectContaining({ code: 'ERR_MMAP_NO_MEMORY' });
    expect(() => map.write(new Uint8Array(3), 5 * PAGE)).toThrow(noMemory);
    expect(() => map.fill(0, PAGE, 2 * PAGE)).toThrow(noMemory);
    expect(() => map.setUint32(9 * PAGE - 2, 0)).toThrow(noMemory);
    expect(() => map.move(8 * PAGE, 0, 10)).toThrow(noMemory);
    expect(() => map.cursor(7 * PAGE).writeByte(1)).toThrow(noMemory);
    map.advise('dontneed');
    expectBytes(map.read(0), expected);
    map.fill(9, 0, 2 * PAGE); // within the pinned pages: allowed
    expect(map.residency().residentBytes).toBeLessThanOrEqual(4 * PAGE);
    map.close();
    expectBytes(readFileSync(path), bytes);
  });
});

describe("a 'copy' map in identity mode", () => {
  it('takes changes to every page: each has its own frame, so nothing needs one', () => {
    const path = file(pattern(2 * PAGE));
    using map = openMap(path, { backend: 'wasm', access: 'copy', pageSize: PAGE, maxResident: 2 * PAGE });
    expect(map.stableViews).toBe(true);
    map.fill(1);
    map.view()[5] = 2;
    map.advise('dontneed');
    expect(map.read(0, 6)).toEqual(Uint8Array.of(1, 1, 1, 1, 1, 2));
    expect(map.residency().residentBytes).toBe(2 * PAGE);
  });
});

describe('windowed maps', () => {
  it('never hold more than maxResident, and count faults, evictions and requests', () => {
    const bytes = pattern(64 * PAGE + 100);
    const path = file(bytes);
    for (const advice of ['random', 'normal'] as const) {
      using map = openMap(path, { backend: 'wasm', pageSize: PAGE, maxResident: 8 * PAGE });
      map.advise(advice);
      expect(map.stableViews).toBe(false);
      const target = new Uint8Array(3 * PAGE + (advice === 'random' ? 17 : 0));
      for (let offset = 0; offset < map.byteLength; offset += target.length) {
        const n = map.readInto(target, offset);
        expectBytes(target.subarray(0, n), bytes.subarray(offset, offset + n));
        expect(map.residency().residentBytes).toBeLessThanOrEqual(8 * PAGE);
      }
      const stats = map.stats();
      expect(stats.faults).toBeGreaterThanOrEqual(65);
      expect(stats.bytesRead).toBe(bytes.length);
      expect(stats.requests).toBeLessThan(65);
      // a sequential scan reads whole pages straight into the caller's buffer, so it evicts little
      if (advice === 'random') expect(stats.evictions).toBeGreaterThanOrEqual(65 - 8);
      else expect(stats.evictions).toBeLessThan(8);
      expect(map.find(bytes.subarray(40 * PAGE - 3, 40 * PAGE + 5))).toBe(40 * PAGE - 3);
      expect(map.rfind(bytes.subarray(PAGE - 3, PAGE + 5))).toBe(PAGE - 3);
    }
  });

  it('write dirty pages back before evicting them, so nothing is lost before flush()', () => {
    const bytes = pattern(40 * PAGE);
    const path = file(bytes);
    const map = openMap(path, { backend: 'wasm', access: 'write', pageSize: PAGE, maxResident: 3 * PAGE });
    for (let page = 0; page < 39; page++) map.setUint16(page * PAGE + PAGE - 1, page);
    expect(map.stats().bytesWritten).toBeGreaterThan(30 * PAGE);
    for (let page = 0; page < 39; page++) expect(map.getUint16(page * PAGE + PAGE - 1)).toBe(page);
    map.close();
    const after = readFileSync(path);
    for (let page = 0; page < 39; page++) expect(after.readUInt16BE(page * PAGE + PAGE - 1)).toBe(page);
  });
});
