/**
 * MapBase: the whole public MemoryMap, written once. It validates every call
 * (through the call plans of plans.ts, which AsyncWasmMap shares) and then calls a small set of backend hooks with arguments
 * that are already in range, so every backend accepts and rejects the same calls
 * by construction. Backends (NativeMap, WasmMap) implement only the hooks.
 */
import { optionalOffset } from '../args.js';
import { advisePlan, checkWritable, fillPlan, movePlan, readIntoPlan, readPlan, resizePlan, searchPlan, spanPlan, typedOffset, writePlan } from './plans.js';
import { allocForCopy, SMALL_COPY_MAX } from '../alloc.js';
import { closed, invalidArgType, isTruncated } from '../errors.js';
import { COPY_LINES, Cursor } from './cursor.js';
import { scanNewlines } from './line-chunks.js';
import { MapReader } from './reader.js';
import { streamFrom, type Lease } from './stream.js';
import type { Access, Advice, MapCursor, MapStats, MemoryMap, Needle, Residency } from '../types.js';

/** `Symbol.dispose` where the runtime has it, else the key Node's polyfills use. */
export const DISPOSE: typeof Symbol.dispose = (Symbol.dispose ?? Symbol.for('nodejs.dispose')) as typeof Symbol.dispose;
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  (Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')) as typeof Symbol.asyncDispose;

export abstract class MapBase extends MapReader implements MemoryMap {
  /** Set by `typedIndex(…, true)` when a setter's bytes went to scratch and must be copied back. */
  protected typedPending = false;
  protected readonly kind: string = 'MemoryMap';

  protected constructor(access: Access, byteLength: number) {
    super(access, byteLength);
  }

  // ─── hooks: arguments are validated and in range when these are called ───

  /** Copies [offset, offset + target.length) of the map into target. */
  protected abstract copyOut(offset: number, target: Uint8Array): void;
  /** A new Uint8Array holding a copy of [offset, offset + length). */
  protected readCopy(offset: number, length: number): Uint8Array {
    const copy = allocForCopy(length); // every byte is copied in before it is returned
    if (length > 0) this.copyOut(offset, copy);
    return copy;
  }
  /** readCopy() of at most SMALL_COPY_MAX bytes; backends that can copy them in JIT code (alloc.ts copySmall) do. */
  protected readSmall(offset: number, length: number): Uint8Array {
    return this.readCopy(offset, length);
  }
  /**
   * Copies [offset, offset + target.length) into target and writes the index of each
   * '\n' in it to `ends` (at most ends.length); returns how many. Backends override it
   * with a native or SIMD scan.
   */
  protected copyLines(offset: number, target: Uint8Array, ends: Int32Array): number {
    this.copyOut(offset, target);
    return scanNewlines(target, ends);
  }
  /** Copies data into the map at offset (the range is inside the map; the map is writable). */
  protected abstract copyIn(data: Uint8Array, offset: number): void;
  protected abstract fillRange(value: number, offset: number, length: number): void;
  protected abstract moveRange(dest: number, src: number, count: number): void;
  /** First match of a non-empty needle that lies wholly inside [start, end), or −1; start < end. */
  protected abstract findRange(needle: Uint8Array, start: number, end: number): number;
  /** Last such match, or −1. */
  protected abstract rfindRange(needle: Uint8Array, start: number, end: number): number;
  protected typedCommit(_offset: number, _size: number): void {}
  protected abstract flushRange(offset: number, length: number): void;
  protected abstract flushRangeAsync(offset: number, length: number): Promise<void>;
  protected abstract resizeTo(newLength: number): void;
  protected abstract adviseRange(advice: Advice, offset: number, length: number): void;
  protected abstract residencyNow(): Residency;
  protected abstract statsNow(): MapStats;
  /** A reader of the map's bytes that stays usable after close() until released. */
  protected abstract openLease(): Lease;
  /** Releases the map's resources; 'write' maps have been flushed already. */
  protected abstract release(): void;

  // ─── reading ───

  read(offset: number, length?: number): Uint8Array {
    this.checkOpen();
    // A small read inside the map skips readPlan() (same checks, same answer): the plan's
    // error branches count against V8's inlining budget, which then left the copy out of
    // line, a call per read (alloc.ts says why that costs).
    if (typeof length === 'number' && length >= 0 && length <= SMALL_COPY_MAX && Number.isInteger(length) &&
      typeof offset === 'number' && offset >= 0 && offset + length <= this.length && Number.isInteger(offset)) {
      const small = this.readSmall(offset, length);
      this.checkIntact();
      return small;
    }
    const { start, count } = readPlan(offset, length, this.length);
    const copy = this.readCopy(start, count);
    this.checkIntact();
    return copy;
  }

  readInto(target: ArrayBufferView, offset: number): number {
    this.checkOpen();
    const { into, start, count } = readIntoPlan(target, offset, this.length);
    this.checkOpen(); // the target's getters are the caller's code, and may have closed the map
    if (count > 0) this.copyOut(start, into);
    this.checkIntact();
    return count;
  }

  protected locateWrite(offset: number, size: number, value: unknown, kind: 'number' | 'bigint'): number {
    checkWritable(this, 'A typed setter');
    this.checkIntact();
    typedOffset(offset, size, this.length);
    if (typeof value !== kind) throw invalidArgType('value', `of type ${kind}`, value);
    return this.typedIndex(offset, size, true);
  }

  /** Copies staged bytes back; a store past a new end went nowhere, and this reports it. */
  private commitTyped(offset: number, size: number): void {
    if (this.typedPending) {
      this.typedPending = false;
      this.typedCommit(offset, size);
    }
    this.checkIntact();
  }

  setUint8(offset: number, value: number): void {
    const i = this.locateWrite(offset, 1, value, 'number');
    this.typed.setUint8(i, value);
    this.commitTyped(offset, 1);
  }
  setInt8(offset: number, value: number): void {
    const i = this.locateWrite(offset, 1, value, 'number');
    this.typed.setInt8(i, value);
    this.commitTyped(offset, 1);
  }
  setUint16(offset: number, value: number, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 2, value, 'number');
    this.typed.setUint16(i, value, littleEndian);
    this.commitTyped(offset, 2);
  }
  setInt16(offset: number, value: number, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 2, value, 'number');
    this.typed.setInt16(i, value, littleEndian);
    this.commitTyped(offset, 2);
  }
  setUint32(offset: number, value: number, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 4, value, 'number');
    this.typed.setUint32(i, value, littleEndian);
    this.commitTyped(offset, 4);
  }
  setInt32(offset: number, value: number, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 4, value, 'number');
    this.typed.setInt32(i, value, littleEndian);
    this.commitTyped(offset, 4);
  }
  setFloat32(offset: number, value: number, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 4, value, 'number');
    this.typed.setFloat32(i, value, littleEndian);
    this.commitTyped(offset, 4);
  }
  setFloat64(offset: number, value: number, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 8, value, 'number');
    this.typed.setFloat64(i, value, littleEndian);
    this.commitTyped(offset, 8);
  }
  setBigUint64(offset: number, value: bigint, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 8, value, 'bigint');
    this.typed.setBigUint64(i, value, littleEndian);
    this.commitTyped(offset, 8);
  }
  setBigInt64(offset: number, value: bigint, littleEndian?: boolean): void {
    const i = this.locateWrite(offset, 8, value, 'bigint');
    this.typed.setBigInt64(i, value, littleEndian);
    this.commitTyped(offset, 8);
  }

  // ─── writing ───

  write(data: Uint8Array | string, offset: number): number {
    checkWritable(this, 'write()');
    this.checkIntact();
    const { bytes, start } = writePlan(data, offset, this.length);
    this.checkOpen(); // as in readInto(): the data's getters may have closed the map
    if (bytes.length > 0) this.copyIn(bytes, start);
    this.checkIntact();
    return bytes.length;
  }

  fill(value: number, offset?: number, length?: number): void {
    checkWritable(this, 'fill()');
    this.checkIntact();
    const { byte, start, count } = fillPlan(value, offset, length, this.length);
    if (count > 0) this.fillRange(byte, start, count);
    this.checkIntact();
  }

  move(dest: number, src: number, count: number): void {
    checkWritable(this, 'move()');
    this.checkIntact();
    const { to, from, byteCount } = movePlan(dest, src, count, this.length);
    if (byteCount > 0 && to !== from) this.moveRange(to, from, byteCount);
    this.checkIntact();
  }

  // ─── search ───

  find(needle: Needle, start?: number, end?: number): number {
    this.checkOpen();
    const range = searchPlan(needle, start, end, this.length, false);
    this.checkOpen(); // as in readInto(): the needle's getters may have closed the map
    if (typeof range === 'number') return range;
    const found = this.findRange(range.needle, range.from, range.to);
    this.checkIntact();
    return found;
  }

  rfind(needle: Needle, start?: number, end?: number): number {
    this.checkOpen();
    const range = searchPlan(needle, start, end, this.length, true);
    this.checkOpen();
    if (typeof range === 'number') return range;
    const found = this.rfindRange(range.needle, range.from, range.to);
    this.checkIntact();
    return found;
  }

  /** For cursor.lines(): the range is checked by the caller, the open state here. */
  [COPY_LINES](offset: number, target: Uint8Array, ends: Int32Array): number {
    this.checkOpen();
    const count = this.copyLines(offset, target, ends);
    this.checkIntact();
    return count;
  }

  cursor(position?: number): MapCursor {
    this.checkOpen();
    return new Cursor(this, optionalOffset('position', position, this.length, 0));
  }

  // ─── storage ───

  flush(offset?: number, length?: number): void {
    this.checkOpen();
    const { start, count } = spanPlan(offset, length, this.length);
    if (this.access === 'write' && count > 0) this.flushRange(start, count);
  }

  flushAsync(offset?: number, length?: number): Promise<void> {
    try {
      this.checkOpen();
      const { start, count } = spanPlan(offset, length, this.length);
      if (this.access !== 'write' || count === 0) return Promise.resolve();
      return this.flushRangeAsync(start, count);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  resize(newLength: number): void {
    this.checkOpen();
    const byteLength = resizePlan(this.access, newLength);
    if (byteLength !== this.length) this.resizeTo(byteLength);
  }

  advise(advice: Advice, offset?: number, length?: number): void {
    this.checkOpen();
    const plan = advisePlan(advice, offset, length, this.length);
    if (plan.count > 0) this.adviseRange(plan.advice, plan.start, plan.count);
  }

  // stats() and residency() still answer after a truncation: they describe the map, not the file

  residency(): Residency {
    if (this.isClosed) throw closed();
    return this.residencyNow();
  }

  stats(): MapStats {
    if (this.isClosed) throw closed();
    return this.statsNow();
  }

  stream(offset?: number, length?: number): ReadableStream<Uint8Array> {
    this.checkOpen();
    const { start, count } = spanPlan(offset, length, this.length);
    return streamFrom(this.openLease(), start, count);
  }

  /**
   * Flushes a 'write' map, then releases it. A failed flush throws and leaves the map
   * open, so no change is lost silently; a truncation does not: what lies inside the
   * file's current size was written, and the rest has no file left to go to.
   */
  close(): void {
    if (this.isClosed) return;
    if (this.access === 'write' && this.length > 0) {
      try {
        this.flushRange(0, this.length);
      } catch (error) {
        if (!isTruncated(error)) throw error;
      }
    }
    this.isClosed = true;
    this.release();
  }

  [DISPOSE](): void {
    this.close();
  }
}
