/**
 * MapReader: the synchronous reading surface that every map shares, the
 * MemoryMap of every backend and the AsyncMemoryMap alike: at(), the typed
 * getters and view(), validated here once (through args.ts), then served by
 * two hooks. An AsyncMemoryMap's hooks serve resident pages only and throw
 * ERR_MMAP_NOT_LOADED elsewhere.
 */
import { MAX_VIEW_LENGTH, clippedLength, optionalOffset } from '../args.js';
import { typedOffset } from './plans.js';
import { closed, invalidArgType, outOfRange, unstableView } from '../errors.js';
import type { Access, BackendName } from '../types.js';

export abstract class MapReader {
  abstract readonly backend: BackendName;
  readonly access: Access;
  /** Bytes mapped; only resize() changes it. */
  protected length: number;
  protected isClosed = false;
  /**
   * The DataView that typed access uses; `typedIndex()` points it at the bytes
   * and returns the index to use. Backends set it before returning.
   */
  protected typed!: DataView;

  protected constructor(access: Access, byteLength: number) {
    this.access = access;
    this.length = byteLength;
  }

  /** The interface's name, as util.inspect shows it. */
  protected abstract readonly kind: string;
  /** Whether view() aliases stay valid until resize()/close(). */
  abstract get stableViews(): boolean;
  /**
   * Points `this.typed` at the `size` bytes at `offset` and returns their index in
   * it. With `forWrite`, the bytes will be stored to; a backend that stages them in
   * scratch sets `typedPending` and copies them back in `typedCommit()`.
   */
  protected abstract typedIndex(offset: number, size: number, forWrite: boolean): number;
  /** A zero-copy alias of [offset, offset + length); only called where stableViews is true. */
  protected abstract viewRange(offset: number, length: number): Uint8Array;

  // ─── state ───

  get byteLength(): number {
    return this.length;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  protected checkOpen(): void {
    if (this.isClosed) throw closed();
  }

  // ─── reading ───

  at(index: number): number | undefined {
    this.checkOpen();
    if (typeof index !== 'number') throw invalidArgType('index', 'of type number', index);
    if (!Number.isSafeInteger(index)) throw outOfRange('index', index, 'a safe integer');
    const offset = index < 0 ? this.length + index : index;
    if (offset < 0 || offset >= this.length) return undefined;
    const i = this.typedIndex(offset, 1, false);
    return this.typed.getUint8(i);
  }

  /** Validates a typed access of `size` bytes at `offset` and returns its index in `this.typed`. */
  protected locate(offset: number, size: number): number {
    if (this.isClosed) throw closed();
    return this.typedIndex(typedOffset(offset, size, this.length), size, false);
  }

  getUint8(offset: number): number {
    const i = this.locate(offset, 1);
    return this.typed.getUint8(i);
  }
  getInt8(offset: number): number {
    const i = this.locate(offset, 1);
    return this.typed.getInt8(i);
  }
  getUint16(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 2);
    return this.typed.getUint16(i, littleEndian);
  }
  getInt16(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 2);
    return this.typed.getInt16(i, littleEndian);
  }
  getUint32(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 4);
    return this.typed.getUint32(i, littleEndian);
  }
  getInt32(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 4);
    return this.typed.getInt32(i, littleEndian);
  }
  getFloat32(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 4);
    return this.typed.getFloat32(i, littleEndian);
  }
  getFloat64(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 8);
    return this.typed.getFloat64(i, littleEndian);
  }
  getBigUint64(offset: number, littleEndian?: boolean): bigint {
    const i = this.locate(offset, 8);
    return this.typed.getBigUint64(i, littleEndian);
  }
  getBigInt64(offset: number, littleEndian?: boolean): bigint {
    const i = this.locate(offset, 8);
    return this.typed.getBigInt64(i, littleEndian);
  }

  view(offset?: number, length?: number): Uint8Array {
    this.checkOpen();
    const start = optionalOffset('offset', offset, this.length, 0);
    const count = clippedLength(length, start, this.length, MAX_VIEW_LENGTH);
    if (!this.stableViews) throw unstableView();
    return this.viewRange(start, count);
  }

  /** Node's util.inspect and console.log show the state, like Python's repr. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const state = this.isClosed ? 'closed' : `byteLength: ${this.length}`;
    return `${this.kind} { backend: '${this.backend}', access: '${this.access}', ${state} }`;
  }
}
