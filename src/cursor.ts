/**
 * MapCursor: Python's file-like half of mmap (position, seek, read, readline,
 * write), written against the public MemoryMap only, so it works over any backend.
 */
import { MAX_VIEW_LENGTH, WHENCES, checkByte, checkInteger, checkOneOf, clippedLength, integerError, toBytes } from './args.js';
import { closed, outOfRange, readOnly } from './errors.js';
import type { MapCursor, MemoryMap, Whence } from './types.js';

const NEWLINE = 0x0a;
/** lines() copies the map in chunks of this size; consecutive lines share a chunk's buffer. */
export const LINE_CHUNK = 64 * 1024;
const EMPTY = new Uint8Array(0);

export class Cursor implements MapCursor {
  /** The position; may exceed byteLength after a shrinking resize (reads then return nothing). */
  pos: number;

  constructor(
    readonly map: MemoryMap,
    position: number,
  ) {
    this.pos = position;
  }

  private checkOpen(): void {
    if (this.map.closed) throw closed();
  }

  get position(): number {
    return this.pos;
  }

  set position(value: number) {
    this.checkOpen();
    this.pos = checkInteger('position', value, 0, this.map.byteLength);
  }

  seek(offset: number, whence: Whence = 'start'): number {
    this.checkOpen();
    const from = checkOneOf('whence', whence, WHENCES);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) {
      throw integerError('offset', offset, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    }
    const base = from === 'start' ? 0 : from === 'current' ? this.pos : this.map.byteLength;
    const target = base + offset;
    if (target < 0 || target > this.map.byteLength) {
      throw outOfRange('offset', offset, `such that the position is >= 0 && <= ${this.map.byteLength}`);
    }
    this.pos = target;
    return target;
  }

  read(length?: number): Uint8Array {
    this.checkOpen();
    const end = this.map.byteLength;
    if (this.pos >= end) {
      if (length !== undefined) checkInteger('length', length);
      return new Uint8Array(0);
    }
    const count = clippedLength(length, this.pos, end, MAX_VIEW_LENGTH);
    const bytes = this.map.read(this.pos, count);
    this.pos += bytes.length;
    return bytes;
  }

  readByte(): number | undefined {
    this.checkOpen();
    if (this.pos >= this.map.byteLength) return undefined;
    return this.map.getUint8(this.pos++);
  }

  readLine(): Uint8Array {
    this.checkOpen();
    const end = this.map.byteLength;
    if (this.pos >= end) return new Uint8Array(0);
    const newline = this.map.find(NEWLINE, this.pos);
    const stop = newline === -1 ? end : newline + 1;
    const line = this.map.read(this.pos, stop - this.pos);
    this.pos = stop;
    return line;
  }

  lines(): IterableIterator<Uint8Array> {
    this.checkOpen();
    return new LineIterator(this);
  }

  private checkWritable(what: string): void {
    this.checkOpen();
    if (this.map.access === 'read') throw readOnly(what);
  }

  write(data: Uint8Array | string): number {
    this.checkWritable('cursor.write()');
    const bytes = toBytes('data', data);
    if (this.pos > this.map.byteLength) {
      throw outOfRange('position', this.pos, `<= ${this.map.byteLength} to write`);
    }
    const written = this.map.write(bytes, this.pos);
    this.pos += written;
    return written;
  }

  writeByte(value: number): void {
    this.checkWritable('cursor.writeByte()');
    const byte = checkByte('value', value);
    if (this.pos >= this.map.byteLength) {
      throw outOfRange('position', this.pos, `< ${this.map.byteLength} to write a byte`);
    }
    this.map.setUint8(this.pos, byte);
    this.pos += 1;
  }
}

/**
 * Yields the lines readLine() would, from copies taken LINE_CHUNK bytes at a
 * time: one readInto() per chunk and a byte scan per line, instead of a search
 * and a copy per line. A line longer than a chunk is read on its own.
 */
class LineIterator implements IterableIterator<Uint8Array> {
  private chunk = EMPTY;
  /** Map offset of chunk[0]. */
  private chunkOffset = 0;

  constructor(private readonly cursor: Cursor) {}

  [Symbol.iterator](): IterableIterator<Uint8Array> {
    return this;
  }

  next(): IteratorResult<Uint8Array> {
    const cursor = this.cursor;
    const map = cursor.map;
    if (map.closed) throw closed();
    const start = cursor.pos;
    const end = map.byteLength;
    if (start >= end) return { done: true, value: undefined };
    let line = this.lineInChunk(start, end);
    if (line === undefined) {
      this.refill(start, end);
      line = this.lineInChunk(start, end) ?? this.longLine(start, end);
    }
    cursor.pos = start + line.length;
    return { done: false, value: line };
  }

  /** The line at `start` if the current chunk holds all of it. */
  private lineInChunk(start: number, end: number): Uint8Array | undefined {
    const from = start - this.chunkOffset;
    const valid = Math.min(this.chunk.length, end - this.chunkOffset);
    if (from < 0 || from >= valid) return undefined;
    const newline = this.chunk.indexOf(NEWLINE, from);
    if (newline !== -1 && newline < valid) return this.chunk.subarray(from, newline + 1);
    if (this.chunkOffset + valid === end) return this.chunk.subarray(from, valid);
    return undefined;
  }

  private refill(start: number, end: number): void {
    const chunk = new Uint8Array(Math.min(LINE_CHUNK, end - start));
    this.cursor.map.readInto(chunk, start);
    this.chunk = chunk;
    this.chunkOffset = start;
  }

  /** A line longer than a chunk: found and copied whole. */
  private longLine(start: number, end: number): Uint8Array {
    const map = this.cursor.map;
    const newline = map.find(NEWLINE, start);
    const stop = newline === -1 ? end : newline + 1;
    return map.read(start, stop - start);
  }
}
