/**
 * Truncation by another process, call by call: on every backend, access mode
 * and map offset, each call that meets bytes past the file's new end throws
 * ERR_MMAP_TRUNCATED (never zeros as if nothing happened); from then on every
 * call but close(), closed, stats() and residency() throws it; close() does
 * not; the file is never extended again. Views (native) and write-back are in
 * views.test.ts, worker threads in workers.test.ts.
 */
import { statSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { tempFiles } from '../helpers/temp-files.js';
import { truncateFromAnotherProcess } from '../helpers/truncate.js';
import { BACKENDS } from './backends.js';
import type { Access, MapOptions, MemoryMap } from '../../src/types.js';

const files = tempFiles('truncation-calls');
afterAll(() => files.cleanup());

const FILE_SIZE = 256 * 1024;
/** The new size: page-aligned, so on native every page past it is wholly missing. */
const NEW_SIZE = 64 * 1024;
const CONTENT = pattern(FILE_SIZE, 11);


/** A call past the new end; `past` is a map position well beyond it. */
type Call = [name: string, run: (map: MemoryMap, past: number) => unknown | Promise<unknown>];

const READS: Call[] = [
  ['read', (m, p) => m.read(p, 16)],
  ['readInto', (m, p) => m.readInto(new Uint8Array(16), p)],
  ['at', (m, p) => m.at(p)],
  ['getUint8', (m, p) => m.getUint8(p)],
  ['getInt16', (m, p) => m.getInt16(p, true)],
  ['getUint32', (m, p) => m.getUint32(p)],
  ['getFloat64', (m, p) => m.getFloat64(p, true)],
  ['getBigUint64', (m, p) => m.getBigUint64(p)],
  ['find (scans to the end)', (m, p) => m.find(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), p)],
  ['rfind (scans from the end)', (m, p) => m.rfind(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), p)],
  ['cursor.read', (m, p) => m.cursor(p).read(16)],
  ['cursor.readLine', (m, p) => m.cursor(p).readLine()],
  ['cursor.lines', (m, p) => m.cursor(p).lines().next()],
  ['stream', (m, p) => new Response(m.stream(p)).arrayBuffer()],
];

/** Small changes: a wasm map must read the rest of their page, so it meets the missing bytes too. */
const CHANGES: Call[] = [
  ['write', (m, p) => m.write(new Uint8Array([1, 2, 3]), p)],
  ['fill', (m, p) => m.fill(7, p, 10)],
  ['move', (m, p) => m.move(p, 0, 10)],
  ['setUint32', (m, p) => m.setUint32(p, 0xdeadbeef)],
  ['setBigInt64', (m, p) => m.setBigInt64(p, -1n)],
];

/** Every call a noticing map must refuse, on bytes the file still holds. */
const AFTERWARDS: Call[] = [
  ['read inside', (m) => m.read(0, 4)],
  ['getUint8 inside', (m) => m.getUint8(0)],
  ['at inside', (m) => m.at(0)],
  ['find inside', (m) => m.find('x', 0, 100)],
  ['view', (m) => m.view(0, 4)],
  ['cursor', (m) => m.cursor(0)],
  ['advise', (m) => m.advise('willneed')],
  ['flush', (m) => m.flush()],
  ['stream', (m) => m.stream(0, 4)],
  ['getUint8 with a bad offset (the state is checked first)', (m) => m.getUint8(-1)],
];

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  }
}

/** A fresh file and a map of it at `offset`, then the file cut to NEW_SIZE by another process. */
function truncatedMap(options: MapOptions, access: Access, offset: number): { map: MemoryMap; path: string; past: number } {
  const path = files.file(`f-${Math.random().toString(36).slice(2)}.bin`, CONTENT);
  const map = openMap(path, { ...options, access, offset });
  truncateFromAnotherProcess(path, NEW_SIZE);
  return { map, path, past: map.byteLength - 1000 };
}

describe.each(BACKENDS)('%s', (_name, options) => {
  describe.each(['read', 'write', 'copy'] as Access[])("'%s' map", (access) => {
    const calls = access === 'read' ? READS : [...READS, ...CHANGES];
    describe.each([0, 12_345])('at offset %d', (offset) => {
      test.each(calls)('%s past the new end throws ERR_MMAP_TRUNCATED, and so does every later call', async (_call, run) => {
        const { map, path, past } = truncatedMap(options, access, offset);
        try {
          expect(await codeOf(() => run(map, past))).toBe('ERR_MMAP_TRUNCATED');
          for (const [what, later] of AFTERWARDS) {
            expect([what, await codeOf(() => later(map, past))]).toEqual([what, 'ERR_MMAP_TRUNCATED']);
          }
          if (access !== 'read') expect(await codeOf(() => map.write('x', 0))).toBe('ERR_MMAP_TRUNCATED');
          else expect(await codeOf(() => map.write('x', 0))).toBe('ERR_MMAP_READ_ONLY');
          // what still answers: the map's own state
          expect(map.closed).toBe(false);
          expect(map.stats().bytesRead).toBeGreaterThanOrEqual(0);
          expect(map.residency().mappedBytes).toBe(map.byteLength);
        } finally {
          map.close(); // never throws for a truncation
        }
        expect(map.closed).toBe(true);
        expect(statSync(path).size).toBe(NEW_SIZE); // no backend extends the file again
      });
    });

    test('a map never touched past the new end goes on reading the bytes the file still holds', () => {
      const { map } = truncatedMap(options, access, 0);
      try {
        expect(Buffer.from(map.read(0, NEW_SIZE))).toEqual(Buffer.from(CONTENT.subarray(0, NEW_SIZE)));
        expect(map.getUint32(NEW_SIZE - 4)).toBe(new DataView(CONTENT.buffer).getUint32(NEW_SIZE - 4));
        expect(map.find(CONTENT.subarray(5000, 5010), 0, NEW_SIZE)).toBe(5000);
      } finally {
        map.close();
      }
    });

    test('a map wholly past the new end notices at its first touch', async () => {
      const { map } = truncatedMap(options, access, 128 * 1024);
      try {
        expect(await codeOf(() => map.read(0, 1))).toBe('ERR_MMAP_TRUNCATED');
      } finally {
        map.close();
      }
    });
  });

  test("a 'write' map's flush() throws ERR_MMAP_TRUNCATED once the file is shorter than the map, and resize() too", async () => {
    const { map, path } = truncatedMap(options, 'write', 0);
    try {
      expect(await codeOf(() => map.flush())).toBe('ERR_MMAP_TRUNCATED');
      expect(await codeOf(() => map.flushAsync())).toBe('ERR_MMAP_TRUNCATED');
      expect(await codeOf(() => map.resize(FILE_SIZE * 2))).toBe('ERR_MMAP_TRUNCATED');
    } finally {
      map.close();
    }
    expect(statSync(path).size).toBe(NEW_SIZE);
  });

  test("a 'write' map's resize() of a file cut short throws before it extends the file again", async () => {
    const { map, path } = truncatedMap(options, 'write', 0);
    try {
      expect(await codeOf(() => map.resize(FILE_SIZE + 4096))).toBe('ERR_MMAP_TRUNCATED');
    } finally {
      map.close();
    }
    expect(statSync(path).size).toBe(NEW_SIZE);
  });
});
