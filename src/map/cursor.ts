/**
 * MapCursor: Python's file-like half of mmap (position, seek, read, readline,
 * write), written against the public MemoryMap only, so it works over any backend.
 */
import { MAX_VIEW_LENGTH, WHENCES, checkByte, checkInteger, checkOneOf, clippedLength, integerError, toBytes } from '../args.js';
import { allocForCopy } from '../alloc.js';
import { closed, outOfRange } from '../errors.js';
import { checkWritable } from './plans.js';
import { CHECK_STATE } from './reader.js';
import type { Access, MapCursor, MemoryMap, Whence } from '../types.js';

export const NEWLINE = 0x0a;
/** lines() copies the map in chunks of this size; consecutive lines share a chunk's buffer. */
export const LINE_CHUNK = 64 * 1024;
const EMPTY = new Uint8Array(0);


/** What a cursor needs of its map besides reading and writing: the sync and async maps both have it. */
export interface CursorMap {
  readonly closed: boolean;
  readonly byteLength: number;
  readonly access: Access;
}

/**
 * The map is open and has noticed no truncation: every map a cursor is made by
 * is a MapReader, whose own check runs; anything else is checked for close only.
 */
function checkState(map: CursorMap): void {
  const check = (map as { [CHECK_STATE]?: () => void })[CHECK_STATE];
  if (check !== undefined) check.call(map);
  else if (map.closed) throw closed();
}

/**
 * The half of a cursor that never touches the bytes: the position, seek(), and
 * the checks each read and write makes first. Cursor (here) and AsyncCursor
 * (async-cursor.ts) add the reads and writes.
 */
export class CursorPosition<M extends CursorMap = CursorMap> {
  /** The position; may exceed byteLength after a shrinking resize (reads then return nothing). */
  pos: number;

  constructor(
    readonly map: M,
    position: number,
  ) {
    this.pos = position;
  }

  /** The map is open and has noticed no truncation. */
  protected checkOpen(): void {
    checkState(this.map);
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

  /** Checks a read of `length` (undefined: to the end) and returns how many bytes it reads. */
  protected readLength(length: number | undefined): number {
    this.checkOpen();
    const end = this.map.byteLength;
    if (this.pos >= end) {
      if (length !== undefined) checkInteger('length', length);
      return 0;
    }
    return clippedLength(length, this.pos, end, MAX_VIEW_LENGTH);
  }

  /** Checks a write of `data` at the position and returns its bytes. */
  protected writeBytes(data: Uint8Array | string): Uint8Array {
    checkWritable(this.map, 'cursor.write()');
    const bytes = toBytes('data', data);
    if (this.pos > this.map.byteLength) {
      throw outOfRange('position', this.pos, `<= ${this.map.byteLength} to write`);
    }
    return bytes;
  }

  /** Checks a writeByte() at the position and returns the byte. */
  protected writeByteValue(value: number): number {
    checkWritable(this.map, 'cursor.writeByte()');
    const byte = checkByte('value', value);
    if (this.pos >= this.map.byteLength) {
      throw outOfRange('position', this.pos, `< ${this.map.byteLength} to write a byte`);
    }
    return byte;
  }
}

export class Cursor extends CursorPosition<MemoryMap> implements MapCursor {
  read(length?: number): Uint8Array {
    const count = this.readLength(length);
    if (count === 0) return new Uint8Array(0);
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
    return this.read((newline === -1 ? end : newline + 1) - this.pos);
  }

  lines(): IterableIterator<Uint8Array> {
    this.checkOpen();
    return new LineIterator(this);
  }

  write(data: Uint8Array | string): number {
    const written = this.map.write(this.writeBytes(data), this.pos);
    this.pos += written;
    return written;
  }

  writeByte(value: number): void {
    this.map.setUint8(this.pos, this.writeByteValue(value));
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
 * The chunk that lines() has copied and the line ends found in it: lines are
 * `subarray`s of it, so each costs no copy of its own. Shared by the sync and
 * the async line iterators, which only differ in how a chunk is filled.
 */
export class LineChunks {
  private chunk: Uint8Array = EMPTY;
  /** Map offset of chunk[0]. */
  private chunkOffset = 0;
  /** Indexes of the '\n' bytes in chunk, and how many there are. */
  readonly ends = new Int32Array(LINE_CHUNK);
  private count = 0;
  /** The next entry of `ends` to use. */
  private next_ = 0;
  /** Where the line that next() is about started. */
  private lineStart = 0;

  /** A buffer for the chunk at `start` of a map of `end` bytes; the copy overwrites all of it before any line is handed out. */
  static buffer(start: number, end: number): Uint8Array {
    return allocForCopy(Math.min(LINE_CHUNK, end - start));
  }

  /**
   * The cursor's next line when the current chunk holds all of it; else the range
   * of the chunk to copy next; undefined at the end of the map.
   * @throws {MmapError} ERR_MMAP_CLOSED
   */
  next(cursor: CursorPosition): Uint8Array | { start: number; end: number } | undefined {
    checkState(cursor.map);
    const start = (this.lineStart = cursor.pos);
    const end = cursor.map.byteLength;
    if (start >= end) return undefined;
    return this.lineAt(start, end) ?? { start, end };
  }

  /** The iterator's result for `line` (undefined: done), which the cursor moves past. */
  step(cursor: CursorPosition, line: Uint8Array | undefined): IteratorResult<Uint8Array> {
    if (line === undefined) return { done: true, value: undefined };
    cursor.pos = this.lineStart + line.length;
    return { done: false, value: line };
  }

  /** `chunk` now holds the bytes at `start`, with `count` line ends in `ends`. */
  use(chunk: Uint8Array, start: number, count: number): void {
    this.chunk = chunk;
    this.chunkOffset = start;
    this.count = count;
    this.next_ = 0;
  }

  /**
   * The common case, kept small so it inlines: the cursor is where the last line of
   * this chunk ended and the chunk holds the next line whole. Moves the cursor past it.
   */
  following(cursor: CursorPosition): Uint8Array | undefined {
    const k = this.next_;
    if (k >= this.count) return undefined;
    const from = k === 0 ? 0 : this.ends[k - 1] + 1;
    const to = this.ends[k] + 1;
    if (cursor.pos !== this.chunkOffset + from || this.chunkOffset + to > cursor.map.byteLength) return undefined;
    this.next_ = k + 1;
    cursor.pos = this.chunkOffset + to;
    return this.chunk.subarray(from, to);
  }

  /** The line at `start` if the current chunk holds all of it. */
  lineAt(start: number, end: number): Uint8Array | undefined {
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
}

/**
 * Yields the lines readLine() would, from copies taken LINE_CHUNK bytes at a time:
 * one call per chunk copies it and finds every line end in it (a memchr or SIMD scan
 * where the backend has one), so each line costs only a subarray. A line longer than
 * a chunk is read on its own.
 */
class LineIterator implements IterableIterator<Uint8Array> {
  private readonly chunks = new LineChunks();

  constructor(private readonly cursor: Cursor) {}

  [Symbol.iterator](): IterableIterator<Uint8Array> {
    return this;
  }

  next(): IteratorResult<Uint8Array> {
    checkState(this.cursor.map);
    const line = this.chunks.following(this.cursor);
    if (line !== undefined) return { done: false, value: line };
    const next = this.chunks.next(this.cursor);
    if (!next || next instanceof Uint8Array) return this.chunks.step(this.cursor, next);
    this.refill(next.start, next.end);
    return this.chunks.step(this.cursor, this.chunks.lineAt(next.start, next.end) ?? this.cursor.readLine());
  }

  private refill(start: number, end: number): void {
    const map = this.cursor.map as LineSource;
    const chunk = LineChunks.buffer(start, end);
    const ends = this.chunks.ends;
    this.chunks.use(chunk, start, map[COPY_LINES] ? map[COPY_LINES](start, chunk, ends) : (map.readInto(chunk, start), scanNewlines(chunk, ends)));
  }
}
