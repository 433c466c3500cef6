/**
 * AsyncMapCursor: the cursor of an AsyncMemoryMap. Position and seek() are
 * synchronous and shared with the sync cursor (CursorPosition); reads and
 * writes return Promises, and lines() is an async iterator. Written against
 * the public AsyncMemoryMap only. Every Promise-returning method reports its
 * errors by rejecting.
 */
import { CursorPosition } from './cursor.js';
import { checkState, LineChunks, NEWLINE, scanNewlines } from './line-chunks.js';
import type { AsyncMapCursor, AsyncMemoryMap } from '../types.js';
import { lineDecoder, TextLineChunks, type LineEncoding } from './text-lines.js';

export class AsyncCursor extends CursorPosition<AsyncMemoryMap> implements AsyncMapCursor {
  async read(length?: number): Promise<Uint8Array> {
    const count = this.readLength(length);
    if (count === 0) return new Uint8Array(0);
    const bytes = await this.map.read(this.pos, count);
    this.pos += bytes.length;
    return bytes;
  }

  async readByte(): Promise<number | undefined> {
    const bytes = await this.read(1);
    return bytes.length === 0 ? undefined : bytes[0];
  }

  async readLine(): Promise<Uint8Array> {
    this.checkOpen();
    const end = this.map.byteLength;
    if (this.pos >= end) return new Uint8Array(0);
    const newline = await this.map.find(NEWLINE, this.pos);
    return this.read((newline === -1 ? end : newline + 1) - this.pos);
  }

  lines(): AsyncIterableIterator<Uint8Array>;
  lines(options: { encoding: LineEncoding }): AsyncIterableIterator<string>;
  lines(options?: { encoding: LineEncoding }): AsyncIterableIterator<Uint8Array> | AsyncIterableIterator<string> {
    this.checkOpen();
    if (options === undefined) return new AsyncLineIterator(this);
    const decode = lineDecoder(options);
    const chunks = new TextLineChunks(decode);
    return new AsyncTextLineIterator(new AsyncLineIterator(this, chunks), chunks, this);
  }

  async write(data: Uint8Array | string): Promise<number> {
    const written = await this.map.write(this.writeBytes(data), this.pos);
    this.pos += written;
    return written;
  }

  async writeByte(value: number): Promise<void> {
    await this.map.write(Uint8Array.of(this.writeByteValue(value)), this.pos);
    this.pos += 1;
  }
}

/** The lines readLine() would give, read a chunk at a time (see the sync LineIterator). */
class AsyncLineIterator implements AsyncIterableIterator<Uint8Array> {
  constructor(
    private readonly cursor: AsyncCursor,
    private readonly chunks: LineChunks = new LineChunks(),
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const next = this.chunks.next(this.cursor);
    if (!next || next instanceof Uint8Array) return this.chunks.step(this.cursor, next);
    const chunk = LineChunks.buffer(next.start, next.end);
    await this.cursor.map.readInto(chunk, next.start);
    this.chunks.use(chunk, next.start, scanNewlines(chunk, this.chunks.ends));
    return this.chunks.step(this.cursor, this.chunks.lineAt(next.start, next.end) ?? (await this.cursor.readLine()));
  }
}

/** lines({ encoding }): the byte lines, decoded (text-lines.ts). */
class AsyncTextLineIterator implements AsyncIterableIterator<string> {
  constructor(
    private readonly lines: AsyncLineIterator,
    private readonly chunks: TextLineChunks,
    private readonly cursor: AsyncCursor,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    return this;
  }

  async next(): Promise<IteratorResult<string>> {
    checkState(this.cursor.map); // the fast path reads no bytes, so nothing else checks
    const line = this.chunks.followingText(this.cursor);
    if (line !== undefined) return { done: false, value: line };
    return this.chunks.decoded(await this.lines.next());
  }
}
