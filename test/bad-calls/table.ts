/**
 * The bad-call table: each row is a call that must fail with a stable code, and
 * must leave no file descriptor behind. Runs per backend (see *.test.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMap } from '../../src/entries/node.js';
import type { MapOptions, MemoryMap } from '../../src/types.js';

export interface Context {
  /** openMap with the backend under test. */
  open(target: unknown, options?: MapOptions): MemoryMap;
  file: string;
  empty: string;
  dir: string;
  missing: string;
  /** Maps of `file` (1,000 bytes), opened before the row's fds are counted. */
  read: MemoryMap;
  write: MemoryMap;
  copy: MemoryMap;
  closed: MemoryMap;
}

export type Row = [title: string, call: (c: Context) => unknown, code: string];

const u8 = (n: number) => new Uint8Array(n);

export const rows: Row[] = [
  // ── openMap: the target ──
  ['openMap() without a target', (c) => c.open(undefined), 'ERR_INVALID_ARG_TYPE'],
  ['openMap(null)', (c) => c.open(null), 'ERR_INVALID_ARG_TYPE'],
  ['openMap({})', (c) => c.open({}), 'ERR_INVALID_ARG_TYPE'],
  ['openMap(true)', (c) => c.open(true), 'ERR_INVALID_ARG_TYPE'],
  ['openMap(an Int32Array)', (c) => c.open(new Int32Array(4)), 'ERR_INVALID_ARG_TYPE'],
  ["openMap('')", (c) => c.open(''), 'ERR_INVALID_ARG_VALUE'],
  ['openMap(a path with a NUL byte)', (c) => c.open(`${c.file}\0x`), 'ERR_INVALID_ARG_VALUE'],
  ['openMap(a missing file)', (c) => c.open(c.missing), 'ENOENT'],
  ['openMap(a missing file: URL)', (c) => c.open(new URL(`file://${c.missing}`)), 'ENOENT'],
  ['openMap(a directory)', (c) => c.open(c.dir), 'EISDIR'],
  ['openMap(an http: URL)', (c) => c.open(new URL('http://127.0.0.1/x')), 'ERR_INVALID_ARG_VALUE'],
  ['openMap(-1)', (c) => c.open(-1), 'ERR_OUT_OF_RANGE'],
  ['openMap(1.5)', (c) => c.open(1.5), 'ERR_OUT_OF_RANGE'],
  ['openMap(an fd that is not open)', (c) => c.open(1_000_000), 'EBADF'],
  // ── openMap: options ──
  ['options null', (c) => c.open(c.file, null as never), 'ERR_INVALID_ARG_TYPE'],
  ["options 'read'", (c) => c.open(c.file, 'read' as never), 'ERR_INVALID_ARG_TYPE'],
  ["access 'rw'", (c) => c.open(c.file, { access: 'rw' as never }), 'ERR_INVALID_ARG_VALUE'],
  ['access 1', (c) => c.open(c.file, { access: 1 as never }), 'ERR_INVALID_ARG_TYPE'],
  ['access null', (c) => c.open(c.file, { access: null as never }), 'ERR_INVALID_ARG_TYPE'],
  ['offset -1', (c) => c.open(c.file, { offset: -1 }), 'ERR_OUT_OF_RANGE'],
  ['offset 1.5', (c) => c.open(c.file, { offset: 1.5 }), 'ERR_OUT_OF_RANGE'],
  ["offset '0'", (c) => c.open(c.file, { offset: '0' as never }), 'ERR_INVALID_ARG_TYPE'],
  ['offset NaN', (c) => c.open(c.file, { offset: NaN }), 'ERR_OUT_OF_RANGE'],
  ['offset 2^53', (c) => c.open(c.file, { offset: 2 ** 53 }), 'ERR_OUT_OF_RANGE'],
  ['offset 10n', (c) => c.open(c.file, { offset: 10n as never }), 'ERR_INVALID_ARG_TYPE'],
  ['length -1', (c) => c.open(c.file, { length: -1 }), 'ERR_OUT_OF_RANGE'],
  ['length Infinity', (c) => c.open(c.file, { length: Infinity }), 'ERR_OUT_OF_RANGE'],
  ['offset past the end of the file', (c) => c.open(c.file, { offset: 1_001 }), 'ERR_OUT_OF_RANGE'],
  ['length past the end of the file', (c) => c.open(c.file, { length: 1_001 }), 'ERR_OUT_OF_RANGE'],
  ['offset + length past the end', (c) => c.open(c.file, { offset: 500, length: 501, access: 'write' }), 'ERR_OUT_OF_RANGE'],
  ['length past the end of an empty file', (c) => c.open(c.empty, { length: 1 }), 'ERR_OUT_OF_RANGE'],
  ["grow with 'read'", (c) => c.open(c.file, { length: 2_000, grow: true }), 'ERR_MMAP_READ_ONLY'],
  ["grow with 'copy'", (c) => c.open(c.file, { access: 'copy', length: 2_000, grow: true }), 'ERR_MMAP_READ_ONLY'],
  ["grow 'yes'", (c) => c.open(c.file, { access: 'write', grow: 'yes' as never }), 'ERR_INVALID_ARG_TYPE'],
  ["backend 'gpu'", (c) => openMap(c.file, { backend: 'gpu' as never }), 'ERR_INVALID_ARG_VALUE'],
  ['backend null', (c) => openMap(c.file, { backend: null as never }), 'ERR_INVALID_ARG_TYPE'],
  ["backend 'native' with a Uint8Array", () => openMap(u8(10), { backend: 'native' }), 'ERR_INVALID_ARG_VALUE'],
  ['pageSize 1000', (c) => c.open(c.file, { pageSize: 1_000 }), 'ERR_OUT_OF_RANGE'],
  ['pageSize 12 KiB (not a power of two)', (c) => c.open(c.file, { pageSize: 12_288 }), 'ERR_OUT_OF_RANGE'],
  ['pageSize 32 MiB', (c) => c.open(c.file, { pageSize: 32 * 2 ** 20 }), 'ERR_OUT_OF_RANGE'],
  ["pageSize '4096'", (c) => c.open(c.file, { pageSize: '4096' as never }), 'ERR_INVALID_ARG_TYPE'],
  ['maxResident below two pages', (c) => c.open(c.file, { pageSize: 65_536, maxResident: 65_536 }), 'ERR_OUT_OF_RANGE'],
  ['maxResident not a multiple of pageSize', (c) => c.open(c.file, { maxResident: 3 * 65_536 + 1 }), 'ERR_OUT_OF_RANGE'],
  ['maxResident 8 GiB', (c) => c.open(c.file, { maxResident: 8 * 2 ** 30 }), 'ERR_OUT_OF_RANGE'],
  [
    'PORTABLE_MMAP_BACKEND=bogus',
    (c) => withEnv('PORTABLE_MMAP_BACKEND', 'bogus', () => openMap(c.file)),
    'ERR_INVALID_ARG_VALUE',
  ],
  // ── reading ──
  ['read() without an offset', (c) => c.read.read(undefined as never), 'ERR_INVALID_ARG_TYPE'],
  ['read(-1)', (c) => c.read.read(-1), 'ERR_OUT_OF_RANGE'],
  ['read(1001)', (c) => c.read.read(1_001), 'ERR_OUT_OF_RANGE'],
  ['read(0, -1)', (c) => c.read.read(0, -1), 'ERR_OUT_OF_RANGE'],
  ['read(0, 1.5)', (c) => c.read.read(0, 1.5), 'ERR_OUT_OF_RANGE'],
  ["read('0')", (c) => c.read.read('0' as never), 'ERR_INVALID_ARG_TYPE'],
  ['readInto(an ArrayBuffer)', (c) => c.read.readInto(new ArrayBuffer(4) as never, 0), 'ERR_INVALID_ARG_TYPE'],
  ['readInto(null)', (c) => c.read.readInto(null as never, 0), 'ERR_INVALID_ARG_TYPE'],
  ['readInto(target) without an offset', (c) => c.read.readInto(u8(4), undefined as never), 'ERR_INVALID_ARG_TYPE'],
  ['readInto(target, 1001)', (c) => c.read.readInto(u8(4), 1_001), 'ERR_OUT_OF_RANGE'],
  ['at(1.5)', (c) => c.read.at(1.5), 'ERR_OUT_OF_RANGE'],
  ['at(2^53)', (c) => c.read.at(2 ** 53), 'ERR_OUT_OF_RANGE'],
  ["at('x')", (c) => c.read.at('x' as never), 'ERR_INVALID_ARG_TYPE'],
  ['getUint32 past the end', (c) => c.read.getUint32(997), 'ERR_OUT_OF_RANGE'],
  ['getUint32(-1)', (c) => c.read.getUint32(-1), 'ERR_OUT_OF_RANGE'],
  ["getFloat64('0')", (c) => c.read.getFloat64('0' as never), 'ERR_INVALID_ARG_TYPE'],
  ['getBigInt64 past the end', (c) => c.read.getBigInt64(993), 'ERR_OUT_OF_RANGE'],
  ['view(1001)', (c) => c.write.view(1_001), 'ERR_OUT_OF_RANGE'],
  ['view(0, -1)', (c) => c.write.view(0, -1), 'ERR_OUT_OF_RANGE'],
  // ── writing ──
  ["setUint8 on a 'read' map", (c) => c.read.setUint8(0, 1), 'ERR_MMAP_READ_ONLY'],
  ['setUint32 with a bigint', (c) => c.write.setUint32(0, 1n as never), 'ERR_INVALID_ARG_TYPE'],
  ['setBigInt64 with a number', (c) => c.write.setBigInt64(0, 1 as never), 'ERR_INVALID_ARG_TYPE'],
  ['setUint16 past the end', (c) => c.write.setUint16(999, 1), 'ERR_OUT_OF_RANGE'],
  ["write on a 'read' map", (c) => c.read.write(u8(1), 0), 'ERR_MMAP_READ_ONLY'],
  ['write(123, 0)', (c) => c.write.write(123 as never, 0), 'ERR_INVALID_ARG_TYPE'],
  ['write(data) without an offset', (c) => c.write.write(u8(1), undefined as never), 'ERR_INVALID_ARG_TYPE'],
  ['write past the end', (c) => c.write.write(u8(2), 999), 'ERR_OUT_OF_RANGE'],
  ["fill on a 'read' map", (c) => c.read.fill(0), 'ERR_MMAP_READ_ONLY'],
  ['fill(256)', (c) => c.write.fill(256), 'ERR_OUT_OF_RANGE'],
  ['fill(1, 0, 1001)', (c) => c.write.fill(1, 0, 1_001), 'ERR_OUT_OF_RANGE'],
  ['move(0, 0, 1001)', (c) => c.write.move(0, 0, 1_001), 'ERR_OUT_OF_RANGE'],
  ['move(-1, 0, 1)', (c) => c.write.move(-1, 0, 1), 'ERR_OUT_OF_RANGE'],
  ["move on a 'copy' map past the end", (c) => c.copy.move(999, 0, 2), 'ERR_OUT_OF_RANGE'],
  // ── search ──
  ['find(256)', (c) => c.read.find(256), 'ERR_OUT_OF_RANGE'],
  ['find(null)', (c) => c.read.find(null as never), 'ERR_INVALID_ARG_TYPE'],
  ["find('x', -1)", (c) => c.read.find('x', -1), 'ERR_OUT_OF_RANGE'],
  ["find('x', 0, 1001)", (c) => c.read.find('x', 0, 1_001), 'ERR_OUT_OF_RANGE'],
  ['rfind({})', (c) => c.read.rfind({} as never), 'ERR_INVALID_ARG_TYPE'],
  // ── cursor ──
  ['cursor(-1)', (c) => c.read.cursor(-1), 'ERR_OUT_OF_RANGE'],
  ['cursor(1001)', (c) => c.read.cursor(1_001), 'ERR_OUT_OF_RANGE'],
  ["seek(0, 'nowhere')", (c) => c.read.cursor().seek(0, 'nowhere' as never), 'ERR_INVALID_ARG_VALUE'],
  ['seek(-1)', (c) => c.read.cursor().seek(-1), 'ERR_OUT_OF_RANGE'],
  ['seek(1.5)', (c) => c.read.cursor().seek(1.5), 'ERR_OUT_OF_RANGE'],
  ['cursor read(-1)', (c) => c.read.cursor().read(-1), 'ERR_OUT_OF_RANGE'],
  ['cursor position = 1001', (c) => (c.read.cursor().position = 1_001), 'ERR_OUT_OF_RANGE'],
  ['cursor writeByte(256)', (c) => c.write.cursor().writeByte(256), 'ERR_OUT_OF_RANGE'],
  ["cursor write on a 'read' map", (c) => c.read.cursor().write('x'), 'ERR_MMAP_READ_ONLY'],
  // ── storage ──
  ['flush(-1)', (c) => c.write.flush(-1), 'ERR_OUT_OF_RANGE'],
  ['flush(0, -1)', (c) => c.write.flush(0, -1), 'ERR_OUT_OF_RANGE'],
  ["resize on a 'read' map", (c) => c.read.resize(10), 'ERR_MMAP_READ_ONLY'],
  ["resize on a 'copy' map", (c) => c.copy.resize(10), 'ERR_MMAP_READ_ONLY'],
  ['resize(-1)', (c) => c.write.resize(-1), 'ERR_OUT_OF_RANGE'],
  ["resize('10')", (c) => c.write.resize('10' as never), 'ERR_INVALID_ARG_TYPE'],
  ["advise('sometimes')", (c) => c.read.advise('sometimes' as never), 'ERR_INVALID_ARG_VALUE'],
  ['advise(1)', (c) => c.read.advise(1 as never), 'ERR_INVALID_ARG_TYPE'],
  ["advise('normal', 1001)", (c) => c.read.advise('normal', 1_001), 'ERR_OUT_OF_RANGE'],
  ['stream(-1)', (c) => c.read.stream(-1), 'ERR_OUT_OF_RANGE'],
  ['stream(0, -1)', (c) => c.read.stream(0, -1), 'ERR_OUT_OF_RANGE'],
  // ── closed ──
  ['read on a closed map', (c) => c.closed.read(0), 'ERR_MMAP_CLOSED'],
  ['write on a closed map', (c) => c.closed.write('x', 0), 'ERR_MMAP_CLOSED'],
  ['view on a closed map', (c) => c.closed.view(), 'ERR_MMAP_CLOSED'],
  ['getUint8 on a closed map', (c) => c.closed.getUint8(0), 'ERR_MMAP_CLOSED'],
  ['resize on a closed map', (c) => c.closed.resize(1), 'ERR_MMAP_CLOSED'],
];

/** Async rows: Promise-returning calls must reject, never throw. */
export const asyncRows: Array<[title: string, call: (c: Context) => Promise<unknown>, code: string]> = [
  ['flushAsync(-1)', (c) => c.write.flushAsync(-1), 'ERR_OUT_OF_RANGE'],
  ["flushAsync('0')", (c) => c.write.flushAsync('0' as never), 'ERR_INVALID_ARG_TYPE'],
  ['flushAsync on a closed map', (c) => c.closed.flushAsync(), 'ERR_MMAP_CLOSED'],
];

export function withEnv<T>(name: string, value: string, fn: () => T): T {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

export function openFds(): string[] {
  // Windows has no /proc and no fd table of its own to list (handles): nothing is counted there.
  if (process.platform === 'win32') return [];
  return readdirSync('/proc/self/fd').sort();
}

/** Files and maps for the table; `cleanup()` removes them. */
export function makeContext(options: MapOptions): Context & { cleanup(): void; original: Uint8Array } {
  const root = mkdtempSync(join(tmpdir(), 'portable-mmap-bad-'));
  const file = join(root, 'data.bin');
  const original = new Uint8Array(1_000).map((_, i) => (i * 7) & 0xff);
  writeFileSync(file, original);
  const empty = join(root, 'empty.bin');
  writeFileSync(empty, '');
  const dir = join(root, 'dir');
  mkdirSync(dir);
  const open = (target: unknown, more?: MapOptions) =>
    openMap(target as string, more === null || typeof more !== 'object' ? (more as never) : { ...options, ...more });
  const read = open(file);
  const scratch = join(root, 'scratch.bin');
  writeFileSync(scratch, original);
  const write = open(scratch, { access: 'write' });
  const copy = open(file, { access: 'copy' });
  const closed = open(file);
  closed.close();
  return {
    open,
    file,
    empty,
    dir,
    missing: join(root, 'missing.bin'),
    read,
    write,
    copy,
    closed,
    original,
    cleanup() {
      for (const map of [read, write, copy]) map.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The file must be as it was: no bad call may have changed it. */
export function fileUnchanged(c: Context & { original: Uint8Array }): boolean {
  const now = readFileSync(c.file);
  return now.length === c.original.length && now.every((b, i) => b === c.original[i]);
}
