/**
 * MapCursor: Python's file-like half of mmap (position, seek, read, readline,
 * write), written against the public MemoryMap only, so it works over any backend.
 */
import { MAX_VIEW_LENGTH, WHENCES, checkByte, checkInteger, checkOneOf, clippedLength, integerError, toBytes } from '../args.js';
import { outOfRange } from '../errors.js';
import { checkWritable } from './plans.js';
import { checkState, LineChunks, NEWLINE, scanNewlines, type CursorMap } from './line-chunks.js';
import type { MapCursor, MemoryMap, Whence } from '../types.js';
import { lineDecoder, TextLineChunks, type LineEncoding } from './text-lines.js';


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

  lines(): IterableIterator<Uint8Array>;
  lines(options: { encoding: LineEncoding }): IterableIterator<string>;
  lines(options?: { encoding: LineEncoding }): IterableIterator<Uint8Array> | IterableIterator<string> {
    this.checkOpen();
    if (options === undefined) return new LineIterator(this);
    const decode = lineDecoder(options);
    const chunks = new TextLineChunks(decode);
    return new TextLineIterator(new LineIterator(this, chunks), chunks, this);
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

/**
 * Yields the lines readLine() would, from copies taken LINE_CHUNK bytes at a time:
 * one call per chunk copies it and finds every line end in it (a memchr or SIMD scan
 * where the backend has one), so each line costs only a subarray. A line longer than
 * a chunk is read on its own.
 */
class LineIterator implements IterableIterator<Uint8Array> {
  constructor(
    private readonly cursor: Cursor,
    readonly chunks: LineChunks = new LineChunks(),
  ) {}

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

/** lines({ encoding }): the byte lines, decoded (text-lines.ts). */
class TextLineIterator implements IterableIterator<string> {
  constructor(
    private readonly lines: LineIterator,
    private readonly chunks: TextLineChunks,
    private readonly cursor: Cursor,
  ) {}

  [Symbol.iterator](): IterableIterator<string> {
    return this;
  }

  next(): IteratorResult<string> {
    checkState(this.cursor.map);
    const line = this.chunks.followingText(this.cursor);
    if (line !== undefined) return { done: false, value: line };
    return this.chunks.decoded(this.lines.next());
  }
}
