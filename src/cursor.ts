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

/** The internal entry a map may offer cursor.lines(): copy a chunk and find its line ends in one call. */
export const COPY_LINES = Symbol('portable-mmap.copyLines');

type LineSource = MemoryMap & { [COPY_LINES]?(offset: number, target: Uint8Array, ends: Int32Array): number };

/** Writes the index of each '\n' in `bytes` to `ends` (at most ends.length); returns how many. */
export function scanNewlines(bytes: Uint8Array, ends: Int32Array): number {
  let count = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1 && count < ends.length; i = bytes.indexOf(NEWLINE, i + 1)) ends[count++] = i;
  return count;
}

/**
 * Yields the lines readLine() would, from copies taken LINE_CHUNK bytes at a time:
 * one call per chunk copies it and finds every line end in it (a memchr or SIMD scan
 * where the backend has one), so each line costs only a subarray. A line longer than
 * a chunk is read on its own.
 */
class LineIterator implements IterableIterator<Uint8Array> {
  private chunk = EMPTY;
  /** Map offset of chunk[0]. */
  private chunkOffset = 0;
  /** Indexes of the '\n' bytes in chunk, and how many there are. */
  private readonly ends = new Int32Array(LINE_CHUNK);
  private count = 0;
  /** The next entry of `ends` to use. */
  private next_ = 0;

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
    let k = this.next_;
    // Not where the last line ended (the cursor was moved): find the first end at or after it.
    if (k > this.count || (k === 0 ? 0 : this.ends[k - 1] + 1) !== from) k = this.firstEndFrom(from);
    if (k < this.count && this.ends[k] < valid) {
      this.next_ = k + 1;
      return this.chunk.subarray(from, this.ends[k] + 1);
    }
    this.next_ = k;
    if (this.chunkOffset + valid === end) return this.chunk.subarray(from, valid);
    return undefined;
  }

  private firstEndFrom(from: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private refill(start: number, end: number): void {
    const map = this.cursor.map as LineSource;
    const chunk = new Uint8Array(Math.min(LINE_CHUNK, end - start));
    if (map[COPY_LINES]) {
      this.count = map[COPY_LINES](start, chunk, this.ends);
    } else {
      map.readInto(chunk, start);
      this.count = scanNewlines(chunk, this.ends);
    }
    this.chunk = chunk;
    this.chunkOffset = start;
    this.next_ = 0;
  }

  /** A line longer than a chunk: found and copied whole. */
  private longLine(start: number, end: number): Uint8Array {
    const map = this.cursor.map;
    const newline = map.find(NEWLINE, start);
    const stop = newline === -1 ? end : newline + 1;
    return map.read(start, stop - start);
  }
}
