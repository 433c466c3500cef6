/**
 * WasmMap: the MemoryMap over a synchronous PageSource, emulated in
 * WebAssembly memory by the pager (pager.ts). MapBase validates every call;
 * this class only adapts its hooks.
 *
 * Hazards, stated once: in identity mode (the map fits in maxResident) view()
 * aliases WebAssembly memory, whose `.buffer` is the whole frame memory of this
 * map; in windowed mode view() throws ERR_MMAP_UNSTABLE_VIEW. Changes of a
 * 'write' map that is garbage-collected without close() are lost. Other writers
 * of the source are seen only in pages that are not resident.
 */
import type { NormalizedOptions } from '../../args.js';
import { copySmall } from '../../alloc.js';
import { readOnly } from '../../errors.js';
import { MapBase } from '../../map/base.js';
import type { Lease } from '../../map/stream.js';
import type { Access, Advice, MapStats, PageSource, Residency } from '../../types.js';
import { ACCESS } from './abi.js';
import { copyIn, copyOut, fillBytes, moveBytes, typedIndex, viewBytes } from './copy.js';
import { copyLines } from './lines.js';
import { mapRange } from './pager-options.js';
import { Pager } from './pager.js';
import { Search, findBackward, findForward } from './search.js';

/**
 * A map dropped without close() closes its source; its frames stay with the views
 * that may alias them. A failing close() has nobody to report to here, and an
 * exception thrown from a finalization callback would end the process.
 */
function abandon(pager: Pager): void {
  try {
    pager.abandonMap();
  } catch {
    // the source's close() failed after its map was garbage-collected: nothing can be done
  }
}
const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Pager>(abandon) : undefined;

/** A MemoryMap on the wasm backend. */
export class WasmMap extends MapBase {
  readonly backend = 'wasm' as const;
  private readonly pager: Pager;

  constructor(pager: Pager, access: Access) {
    super(access, pager.length);
    this.pager = pager;
    this.truncation = pager.truncation;
    finalizer?.register(this, pager, this);
  }

  get stableViews(): boolean {
    return this.pager.identity;
  }

  protected copyOut(offset: number, target: Uint8Array): void {
    copyOut(this.pager, offset, target);
  }

  /** With every page resident in identity mode, copySmall() straight from the frames (as locate() would find them). */
  protected override readSmall(offset: number, length: number): Uint8Array {
    const at = this.pager.residentAddress(offset);
    return at < 0 ? this.readCopy(offset, length) : copySmall(this.pager.memory.dataView, at, length);
  }

  protected override copyLines(offset: number, target: Uint8Array, ends: Int32Array): number {
    return copyLines(this.pager, offset, target, ends);
  }

  protected copyIn(data: Uint8Array, offset: number): void {
    copyIn(this.pager, data, offset);
  }

  protected fillRange(value: number, offset: number, length: number): void {
    fillBytes(this.pager, value, offset, length);
  }

  protected moveRange(dest: number, src: number, count: number): void {
    moveBytes(this.pager, dest, src, count);
  }

  protected findRange(needle: Uint8Array, start: number, end: number): number {
    return findForward(this.pager, new Search(needle, false), start, end);
  }

  protected rfindRange(needle: Uint8Array, start: number, end: number): number {
    return findBackward(this.pager, new Search(needle, true), start, end);
  }

  protected viewRange(offset: number, length: number): Uint8Array {
    return viewBytes(this.pager, offset, length);
  }

  protected typedIndex(offset: number, size: number, forWrite: boolean): number {
    const pager = this.pager;
    if (forWrite) pager.checkPins(offset, size);
    const at = typedIndex(pager, offset, size, forWrite ? pager.writeAccess : ACCESS.READ);
    this.typed = pager.memory.dataView;
    this.typedPending = forWrite && at === pager.stagingPointer;
    return at;
  }

  protected override typedCommit(offset: number, size: number): void {
    copyIn(this.pager, this.pager.staging(size), offset);
  }

  protected flushRange(offset: number, length: number): void {
    this.pager.flush(offset, length);
  }

  protected flushRangeAsync(offset: number, length: number): Promise<void> {
    try {
      this.pager.flush(offset, length);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  protected resizeTo(newLength: number): void {
    if (typeof this.pager.source.truncate !== 'function') throw readOnly('resize() of a source without truncate()');
    this.pager.resize(newLength);
    this.length = newLength;
  }

  protected adviseRange(advice: Advice, offset: number, length: number): void {
    this.pager.advise(advice, offset, length);
  }

  protected residencyNow(): Residency {
    return { residentBytes: this.pager.residentBytes(), mappedBytes: this.length };
  }

  protected statsNow(): MapStats {
    return this.pager.stats();
  }

  protected openLease(): Lease {
    return this.pager.lease();
  }

  protected release(): void {
    finalizer?.unregister(this);
    this.pager.memory.detachViews();
    this.pager.unref();
  }
}

/**
 * Maps [offset, offset + length) of `source`. Validates before any side effect:
 * 'write' needs source.write, growing needs source.truncate.
 * @throws {MmapError} ERR_MMAP_READ_ONLY, ERR_MMAP_NO_MEMORY, ERR_MMAP_BACKEND_UNAVAILABLE
 * @throws {RangeError} ERR_OUT_OF_RANGE when the range lies past the source's end without grow, or source.size is no size
 */
export function openWasmMap(source: PageSource, options: NormalizedOptions): WasmMap {
  const range = mapRange(source, options);
  let sourceSize = range.size;
  if (range.growTo !== undefined && range.growTo > range.size) {
    source.truncate!(range.growTo);
    sourceSize = range.growTo;
  }
  try {
    return new WasmMap(new Pager(source, { ...options, offset: range.offset, length: range.length, sourceSize }), options.access);
  } catch (error) {
    if (sourceSize !== range.size) source.truncate!(range.size); // a grown source is cut back when the map cannot be made
    throw error;
  }
}
