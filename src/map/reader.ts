/**
 * MapReader: the synchronous reading surface that every map shares, the
 * MemoryMap of every backend and the AsyncMemoryMap alike: at(), the typed
 * getters and view(), validated here once (through args.ts), then served by
 * two hooks. An AsyncMemoryMap's hooks serve resident pages only and throw
 * ERR_MMAP_NOT_LOADED elsewhere.
 */
import { MAX_VIEW_LENGTH, clippedLength, optionalOffset } from '../args.js';
import { typedOffset } from './plans.js';
import { closed, fromSystem, invalidArgType, outOfRange, truncated, unstableView } from '../errors.js';
import type { Access, BackendName } from '../types.js';

/** Cursors check their map's state through this key: open, and no truncation noticed. */
export const CHECK_STATE: unique symbol = Symbol('portable-mmap.checkState');

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
  /**
   * Word 0 becomes non-zero when the map notices that its file shrank (native:
   * the addon's SIGBUS guard caught a touch past the new end; wasm: a short
   * page-in or write-back). Backends point it at their own word; from then on
   * every call but close(), stats() and residency() throws ERR_MMAP_TRUNCATED.
   * Reading it is one load, so typed getters check it after every access.
   */
  protected truncation: Int32Array = new Int32Array(1);

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

  /**
   * What a set truncation word says: 1, the storage shrank under the map; 2 (native,
   * where the map keeps its descriptor), the file still holds the page, and the page
   * could not be had all the same (a disk error, a hole a full disk cannot fill): EIO.
   */
  protected faultError(): Error {
    if (this.truncation[0] !== 2) return truncated();
    return fromSystem({ code: 'EIO', errno: -5, syscall: 'mmap', message: 'i/o error: a page of the map could not be read or written, though the file holds it' });
  }

  /** The map is open and has not noticed a truncation. */
  protected checkOpen(): void {
    if (this.isClosed) throw closed();
    if (this.truncation[0] !== 0) throw this.faultError();
  }

  [CHECK_STATE](): void {
    this.checkOpen();
  }

  /** After a call touched the map's bytes: that touch may be what revealed a truncation. */
  protected checkIntact(): void {
    if (this.truncation[0] !== 0) throw this.faultError();
  }

  // ─── reading ───

  at(index: number): number | undefined {
    this.checkOpen();
    if (typeof index !== 'number') throw invalidArgType('index', 'of type number', index);
    if (!Number.isSafeInteger(index)) throw outOfRange('index', index, 'a safe integer');
    const offset = index < 0 ? this.length + index : index;
    if (offset < 0 || offset >= this.length) return undefined;
    const i = this.typedIndex(offset, 1, false);
    const value = this.typed.getUint8(i >>> 0);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }

  /**
   * Validates a typed access of `size` bytes at `offset` and returns its index in `this.typed`.
   * The common case is tested inline: `(x >>> 0) === x` is "an integer in [0, 2^32)" in fewer
   * instructions than Number.isInteger(), and typedOffset(), an imported binding, costs a load
   * and a check per call. Anything else (a wrong call, a closed or truncated map, an offset
   * past 2^32) takes the full checks, the state first, then the arguments.
   */
  protected locate(offset: number, size: number): number {
    if (this.isClosed || this.truncation[0] !== 0 || !(typeof offset === 'number' && (offset >>> 0) === offset && offset + size <= this.length)) {
      this.checkOpen();
      typedOffset(offset, size, this.length);
    }
    return this.typedIndex(offset, size, false);
  }

  // `i >>> 0`: every backend's index is below 2^32, and as a uint32 V8 skips the float64 →
  // int64 conversion of the index (in a loop over a bare DataView it cost ~1.25× the time)

  getUint8(offset: number): number {
    const i = this.locate(offset, 1);
    const value = this.typed.getUint8(i >>> 0);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getInt8(offset: number): number {
    const i = this.locate(offset, 1);
    const value = this.typed.getInt8(i >>> 0);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getUint16(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 2);
    const value = this.typed.getUint16(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getInt16(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 2);
    const value = this.typed.getInt16(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getUint32(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 4);
    const value = this.typed.getUint32(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getInt32(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 4);
    const value = this.typed.getInt32(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getFloat32(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 4);
    const value = this.typed.getFloat32(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getFloat64(offset: number, littleEndian?: boolean): number {
    const i = this.locate(offset, 8);
    const value = this.typed.getFloat64(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getBigUint64(offset: number, littleEndian?: boolean): bigint {
    const i = this.locate(offset, 8);
    const value = this.typed.getBigUint64(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }
  getBigInt64(offset: number, littleEndian?: boolean): bigint {
    const i = this.locate(offset, 8);
    const value = this.typed.getBigInt64(i >>> 0, littleEndian);
    if (this.truncation[0] !== 0) throw this.faultError();
    return value;
  }

  /** A view outlives the check: loads through it past a new end read zeros (native), and the next call reports it. */
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
