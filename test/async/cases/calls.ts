/** Every Promise-returning call reports errors by rejecting, argument and closed errors included; synchronous calls throw. */
import { pattern } from '../../conformance/harness.js';
import type { AsyncMemoryMap } from '../../../src/types.js';
import type { AsyncCase, RemoteFixture } from '../harness.js';
import { memorySource } from './memory-source.js';

const u8 = (n: number) => new Uint8Array(n);
const SIZE = 1000;

type Maps = { read: AsyncMemoryMap; write: AsyncMemoryMap; copy: AsyncMemoryMap; closed: AsyncMemoryMap };
type Row = [title: string, call: (m: Maps) => Promise<unknown>, code: string];

/** Each row must reject with its code, never throw. */
const rows: Row[] = [
  ['read() without an offset', (m) => m.read.read(undefined as never), 'ERR_INVALID_ARG_TYPE'],
  ['read(-1)', (m) => m.read.read(-1), 'ERR_OUT_OF_RANGE'],
  ['read(1001)', (m) => m.read.read(SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ['read(0, 1.5)', (m) => m.read.read(0, 1.5), 'ERR_OUT_OF_RANGE'],
  ["read('0')", (m) => m.read.read('0' as never), 'ERR_INVALID_ARG_TYPE'],
  ['readInto(an ArrayBuffer)', (m) => m.read.readInto(new ArrayBuffer(4) as never, 0), 'ERR_INVALID_ARG_TYPE'],
  ['readInto(target, 1001)', (m) => m.read.readInto(u8(4), SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ['load(0) without a length', (m) => m.read.load(0, undefined as never), 'ERR_INVALID_ARG_TYPE'],
  ['load(-1, 1)', (m) => m.read.load(-1, 1), 'ERR_OUT_OF_RANGE'],
  ['load(0, -1)', (m) => m.read.load(0, -1), 'ERR_OUT_OF_RANGE'],
  ["write on a 'read' map", (m) => m.read.write(u8(1), 0), 'ERR_MMAP_READ_ONLY'],
  ['write(123, 0)', (m) => m.copy.write(123 as never, 0), 'ERR_INVALID_ARG_TYPE'],
  ['write past the end', (m) => m.copy.write(u8(2), SIZE - 1), 'ERR_OUT_OF_RANGE'],
  ["fill on a 'read' map", (m) => m.read.fill(0), 'ERR_MMAP_READ_ONLY'],
  ['fill(256)', (m) => m.copy.fill(256), 'ERR_OUT_OF_RANGE'],
  ['fill(1, 0, 1001)', (m) => m.copy.fill(1, 0, SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ['move(0, 0, 1001)', (m) => m.write.move(0, 0, SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ["move on a 'read' map", (m) => m.read.move(0, 1, 1), 'ERR_MMAP_READ_ONLY'],
  ['find(256)', (m) => m.read.find(256), 'ERR_OUT_OF_RANGE'],
  ['find(null)', (m) => m.read.find(null as never), 'ERR_INVALID_ARG_TYPE'],
  ["rfind('x', 0, 1001)", (m) => m.read.rfind('x', 0, SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ['flush(-1)', (m) => m.write.flush(-1), 'ERR_OUT_OF_RANGE'],
  ["resize on a 'read' map", (m) => m.read.resize(10), 'ERR_MMAP_READ_ONLY'],
  ["resize on a 'copy' map", (m) => m.copy.resize(10), 'ERR_MMAP_READ_ONLY'],
  ['resize(-1)', (m) => m.write.resize(-1), 'ERR_OUT_OF_RANGE'],
  ["resize('10')", (m) => m.write.resize('10' as never), 'ERR_INVALID_ARG_TYPE'],
  ['cursor read(-1)', (m) => m.read.cursor().read(-1), 'ERR_OUT_OF_RANGE'],
  ['cursor writeByte(256)', (m) => m.write.cursor().writeByte(256), 'ERR_OUT_OF_RANGE'],
  ["cursor write on a 'read' map", (m) => m.read.cursor().write('x'), 'ERR_MMAP_READ_ONLY'],
  ...(['read', 'load', 'readInto', 'write', 'fill', 'move', 'find', 'rfind', 'flush', 'resize'] as const).map(
    (name): Row => [`${name}() on a closed map`, (m) => (m.closed[name] as (...args: unknown[]) => Promise<unknown>)(...closedArgs[name]), 'ERR_MMAP_CLOSED'],
  ),
];

const closedArgs: Record<string, unknown[]> = {
  read: [0],
  load: [0, 1],
  readInto: [u8(1), 0],
  write: ['x', 0],
  fill: [0],
  move: [0, 1, 1],
  find: ['x'],
  rfind: ['x'],
  flush: [],
  resize: [10],
};

/** Synchronous calls throw. */
const syncRows: Array<[title: string, call: (m: Maps) => unknown, code: string]> = [
  ['at(1.5)', (m) => m.read.at(1.5), 'ERR_OUT_OF_RANGE'],
  ["at('x')", (m) => m.read.at('x' as never), 'ERR_INVALID_ARG_TYPE'],
  ['getUint32 past the end', (m) => m.read.getUint32(SIZE - 3), 'ERR_OUT_OF_RANGE'],
  ['view(1001)', (m) => m.read.view(SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ['stream(-1)', (m) => m.read.stream(-1), 'ERR_OUT_OF_RANGE'],
  ['cursor(1001)', (m) => m.read.cursor(SIZE + 1), 'ERR_OUT_OF_RANGE'],
  ["seek(0, 'nowhere')", (m) => m.read.cursor().seek(0, 'nowhere' as never), 'ERR_INVALID_ARG_VALUE'],
  ["advise('sometimes')", (m) => m.read.advise('sometimes' as never), 'ERR_INVALID_ARG_VALUE'],
  ['at() on a closed map', (m) => m.closed.at(0), 'ERR_MMAP_CLOSED'],
  ['getUint8() on a closed map', (m) => m.closed.getUint8(0), 'ERR_MMAP_CLOSED'],
  ['view() on a closed map', (m) => m.closed.view(), 'ERR_MMAP_CLOSED'],
  ['stream() on a closed map', (m) => m.closed.stream(), 'ERR_MMAP_CLOSED'],
  ['cursor() on a closed map', (m) => m.closed.cursor(), 'ERR_MMAP_CLOSED'],
  ['stats() on a closed map', (m) => m.closed.stats(), 'ERR_MMAP_CLOSED'],
  ['residency() on a closed map', (m) => m.closed.residency(), 'ERR_MMAP_CLOSED'],
];

async function openMaps(f: RemoteFixture): Promise<Maps> {
  const blob = new Blob([pattern(SIZE, 5) as BlobPart]);
  const closed = await f.open(blob);
  await closed.close();
  return {
    read: await f.open(blob),
    write: await f.open(memorySource(pattern(SIZE, 5)), { access: 'write' }),
    copy: await f.open(blob, { access: 'copy' }),
    closed,
  };
}

/** openMapAsync() itself: each must reject, never throw. */
const openRows: Array<[title: string, open: (f: RemoteFixture) => Promise<unknown>, code: string]> = [
  ['openMapAsync(123)', (f) => f.open(123 as never), 'ERR_INVALID_ARG_TYPE'],
  ['openMapAsync(null)', (f) => f.open(null as never), 'ERR_INVALID_ARG_TYPE'],
  ['openMapAsync(a Uint8Array)', (f) => f.open(u8(10) as never), 'ERR_INVALID_ARG_TYPE'],
  ["openMapAsync('ftp://…')", (f) => f.open('ftp://127.0.0.1/x'), 'ERR_INVALID_ARG_VALUE'],
  ['options null', (f) => f.open(new Blob([u8(10) as BlobPart]), null as never), 'ERR_INVALID_ARG_TYPE'],
  ["access 'rw'", (f) => f.open(new Blob([u8(10) as BlobPart]), { access: 'rw' as never }), 'ERR_INVALID_ARG_VALUE'],
  ['pageSize 1000', (f) => f.open(new Blob([u8(10) as BlobPart]), { pageSize: 1000 }), 'ERR_OUT_OF_RANGE'],
  ['maxResident below two pages', (f) => f.open(new Blob([u8(10) as BlobPart]), { maxResident: 65536 }), 'ERR_OUT_OF_RANGE'],
  ['timeout -1', (f) => f.open(new Blob([u8(10) as BlobPart]), { timeout: -1 }), 'ERR_OUT_OF_RANGE'],
  ["timeout '1'", (f) => f.open(new Blob([u8(10) as BlobPart]), { timeout: '1' as never }), 'ERR_INVALID_ARG_TYPE'],
  ["signal 'x'", (f) => f.open(new Blob([u8(10) as BlobPart]), { signal: 'x' as never }), 'ERR_INVALID_ARG_TYPE'],
  ['fetch 1', (f) => f.open(new Blob([u8(10) as BlobPart]), { fetch: 1 as never }), 'ERR_INVALID_ARG_TYPE'],
  ['headers 1', (f) => f.open(new Blob([u8(10) as BlobPart]), { headers: 1 as never }), 'ERR_INVALID_ARG_TYPE'],
  ["backend 'native'", (f) => f.open(new Blob([u8(10) as BlobPart]), { backend: 'native' }), 'ERR_MMAP_BACKEND_UNAVAILABLE'],
  ["grow with 'read'", (f) => f.open(new Blob([u8(10) as BlobPart]), { length: 20, grow: true }), 'ERR_MMAP_READ_ONLY'],
  ["'write' on a Blob", (f) => f.open(new Blob([u8(10) as BlobPart]), { access: 'write' }), 'ERR_MMAP_READ_ONLY'],
  ["'write' on a source without write()", (f) => f.open(memorySource(u8(10), { writable: false }), { access: 'write' }), 'ERR_MMAP_READ_ONLY'],
  ['length past the end', (f) => f.open(new Blob([u8(10) as BlobPart]), { length: 11 }), 'ERR_OUT_OF_RANGE'],
  ['offset past the end', (f) => f.open(new Blob([u8(10) as BlobPart]), { offset: 11 }), 'ERR_OUT_OF_RANGE'],
];

export const callCases: AsyncCase[] = [
  {
    name: `every bad call and every call on a closed map rejects with its code, never throws (${rows.length} rows)`,
    async run(f, t) {
      const maps = await openMaps(f);
      for (const [title, call, code] of rows) await t.rejectsCode(() => call(maps), code, title);
      await maps.closed.close(); // idempotent
      for (const map of [maps.read, maps.write, maps.copy]) await map.close();
    },
  },
  {
    name: `synchronous calls throw: bad arguments and a closed map (${syncRows.length} rows)`,
    async run(f, t) {
      const maps = await openMaps(f);
      for (const [title, call, code] of syncRows) t.throwsCode(() => call(maps), code, title);
      for (const map of [maps.read, maps.write, maps.copy]) await map.close();
    },
  },
  {
    name: `openMapAsync() rejects bad targets and options before touching the source (${openRows.length} rows)`,
    async run(f, t) {
      for (const [title, open, code] of openRows) await t.rejectsCode(() => open(f), code, title);
    },
  },
  {
    name: 'close() is idempotent, resolves on a map that is closing, and [Symbol.asyncDispose] closes',
    async run(f, t) {
      const map = await f.open(new Blob([pattern(5000, 1) as BlobPart]));
      const first = map.close();
      const second = map.close();
      await Promise.all([first, second]);
      t.equal(map.closed, true, 'closed');
      const other = await f.open(new Blob([pattern(5000, 1) as BlobPart]));
      const dispose = (other as unknown as Record<symbol, () => Promise<void>>)[Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')];
      await dispose.call(other);
      t.equal(other.closed, true, 'disposed');
    },
  },
];
