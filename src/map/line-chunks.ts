/**
 * The chunks lines() reads a map in, shared by the sync and async cursors and by
 * lines({ encoding }) (text-lines.ts): a copy of up to LINE_CHUNK bytes and the
 * '\n's found in it, from which each line is a subarray. It imports nothing at run
 * time from the cursors, so text-lines.ts can extend LineChunks whichever file loads first.
 */
import { closed } from '../errors.js';
import { allocForCopy } from '../alloc.js';
import { CHECK_STATE } from './reader.js';
import type { Access } from '../types.js';
import type { CursorPosition } from './cursor.js';

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
export function checkState(map: CursorMap): void {
  const check = (map as { [CHECK_STATE]?: () => void })[CHECK_STATE];
  if (check !== undefined) check.call(map);
  else if (map.closed) throw closed();
}

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
  protected chunk: Uint8Array = EMPTY;
  /** chunk's buffer and offset in it: `new Uint8Array(buffer, offset, length)` costs about half a `subarray()` (no species lookup), per line. */
  private chunkBuffer: ArrayBufferLike = EMPTY.buffer;
  private chunkBase = 0;
  /** Map offset of chunk[0]. */
  private chunkOffset = 0;
  /** Indexes of the '\n' bytes in chunk, and how many there are. */
  readonly ends = new Int32Array(LINE_CHUNK);
  protected count = 0;
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
    this.chunkBuffer = chunk.buffer;
    this.chunkBase = chunk.byteOffset;
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
    return this.line(from, to);
  }

  /** chunk.subarray(from, to), made directly. */
  private line(from: number, to: number): Uint8Array {
    return new Uint8Array(this.chunkBuffer, this.chunkBase + from, to - from);
  }

  /** As following() (for text-lines.ts): the next line's index and byte range, or undefined; nothing moves. */
  protected nextWhole(cursor: CursorPosition): { k: number; from: number; to: number } | undefined {
    const k = this.next_;
    if (k >= this.count) return undefined;
    const from = k === 0 ? 0 : this.ends[k - 1] + 1;
    const to = this.ends[k] + 1;
    if (cursor.pos !== this.chunkOffset + from || this.chunkOffset + to > cursor.map.byteLength) return undefined;
    return { k, from, to };
  }

  /** Moves past line `k`, which ends at `to` in the chunk. */
  protected take(cursor: CursorPosition, k: number, to: number): void {
    this.next_ = k + 1;
    cursor.pos = this.chunkOffset + to;
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
      return this.line(from, this.ends[k] + 1);
    }
    this.next_ = k;
    if (this.chunkOffset + valid === end) return this.line(from, valid);
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
