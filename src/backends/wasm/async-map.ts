/**
 * AsyncWasmMap: the AsyncMemoryMap of docs/api.md, over an AsyncPageSource (HTTP
 * Range, Blob, a user's source), on the same wasm pager as the synchronous map.
 *
 * The synchronous surface (at(), the typed getters, view()) is MapReader's: it serves
 * resident pages only and throws ERR_MMAP_NOT_LOADED elsewhere, never fetching. Every
 * other call validates with MapBase's call plans (map/plans.ts), then walks its range
 * with the resumable kernels (copy.ts, search.ts): a step runs until it meets a page
 * that must be fetched, the call awaits it (AsyncPager.drive()), checks that the map is
 * still open and its signal not aborted, and resumes. Errors, argument errors
 * included, reject; only the synchronous calls throw.
 *
 * Hazards, stated once: as WasmMap (views alias WebAssembly memory; only identity
 * maps have them). Eviction happens only inside Promise-returning calls (and
 * stream reads), so bytes that a call made resident stay usable synchronously
 * until the next such call starts.
 */
import { callSignal, optionalOffset, type NormalizedOptions } from '../../args.js';
import { advisePlan, checkWritable, fillPlan, loadPlan, movePlan, readIntoPlan, readPlan, resizePlan, searchPlan, spanPlan, writePlan } from '../../map/plans.js';
import { AsyncCursor } from '../../map/async-cursor.js';
import { aborted, closed, isTruncated, notLoaded, readOnly } from '../../errors.js';
import { ASYNC_DISPOSE } from '../../map/base.js';
import { MapReader } from '../../map/reader.js';
import { streamFrom } from '../../map/stream.js';
import type { Access, Advice, AsyncCallOptions, AsyncMapCursor, AsyncMemoryMap, AsyncPageSource, MapStats, Needle, Residency } from '../../types.js';
import { ACCESS } from './abi.js';
import { AsyncPager } from './async-pager.js';
import { MOVE_CHUNK, copyIn, copyOut, fillBytes, moveChunks, typedIndex, viewBytes } from './copy.js';
import { Search, findBackward, findForward, resumeAt } from './search.js';
import { mapRange } from './pager-options.js';

/** What openAsyncWasmMap() needs besides the options openMap() validates. */
export interface AsyncOpenOptions extends NormalizedOptions {
  /** Aborting fails every later call of the map (its source rejects the pending ones). */
  signal?: AbortSignal;
  /** The source never writes into a read's buffer after the read settled or the source closed (the HTTP source). */
  readsIntoFrames?: boolean;
}

/** A map dropped without close() closes its source; a failing close has nobody to report to. */
function abandon(pager: AsyncPager): void {
  try {
    pager.abandonMap();
  } catch {
    // the source's close() failed after its map was garbage-collected: nothing can be done
  }
}
const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<AsyncPager>(abandon) : undefined;

/** An AsyncMemoryMap on the wasm backend. */
export class AsyncWasmMap extends MapReader implements AsyncMemoryMap {
  readonly backend = 'wasm' as const;
  protected readonly kind = 'AsyncMemoryMap';
  private readonly pager: AsyncPager;
  private readonly signal: AbortSignal | undefined;
  private closing: Promise<void> | undefined;
  /** After every await: the map is still open and its signal has not aborted. */
  private readonly check = () => this.checkLive();

  constructor(pager: AsyncPager, access: Access, signal?: AbortSignal) {
    super(access, pager.length);
    this.pager = pager;
    this.truncation = pager.truncation;
    this.signal = signal;
    finalizer?.register(this, pager, this);
  }

  get stableViews(): boolean {
    return this.pager.identity;
  }

  // ─── the synchronous surface: resident pages only ───

  protected typedIndex(offset: number, size: number): number {
    const at = typedIndex(this.pager, offset, size, ACCESS.READ);
    this.typed = this.pager.memory.dataView;
    return at;
  }

  protected viewRange(offset: number, length: number): Uint8Array {
    if (!this.pager.isResident(offset, length)) throw notLoaded(offset, length);
    return viewBytes(this.pager, offset, length);
  }

  // ─── calls ───

  private checkLive(): void {
    this.checkOpen();
    if (this.signal?.aborted) throw aborted(this.signal.reason);
  }

  /** Runs a call: admitted once open, not aborted and no resize runs; `body` validates its arguments first. */
  private async call<T>(body: () => T | Promise<T>): Promise<T> {
    this.checkLive();
    await this.pager.gate.enter();
    try {
      this.checkLive();
      return await body();
    } finally {
      this.pager.gate.leave();
    }
  }

  /**
   * A call with its own `{ signal }` (the options after its positional arguments):
   * `body` gets the signal and the check to run after every await.
   */
  private signalled<T>(options: unknown, body: (signal: AbortSignal | undefined, check: () => void) => Promise<T>): Promise<T> {
    return this.call(() => {
      const signal = callSignal(options);
      if (signal === undefined) return body(undefined, this.check);
      const check = () => {
        this.checkLive();
        if (signal.aborted) throw aborted(signal.reason);
      };
      check();
      return body(signal, check);
    });
  }

  /** Brings [offset, offset + length) in; it stays resident until the next Promise-returning call. */
  load(offset: number, length: number, options?: AsyncCallOptions): Promise<void> {
    return this.signalled(options, async (signal, check) => {
      const { start, count } = loadPlan(offset, length, this.length);
      if (count > 0) await this.pager.load(start, count, check, signal);
    });
  }

  read(offset: number, length?: number, options?: AsyncCallOptions): Promise<Uint8Array> {
    return this.signalled(options, async (signal, check) => {
      const { start, count } = readPlan(offset, length, this.length);
      const copy = new Uint8Array(count);
      if (count > 0) await this.copyOut(start, copy, check, signal);
      return copy;
    });
  }

  readInto(target: ArrayBufferView, offset: number, options?: AsyncCallOptions): Promise<number> {
    return this.signalled(options, async (signal, check) => {
      const { into, start, count } = readIntoPlan(target, offset, this.length);
      if (count > 0) await this.copyOut(start, into, check, signal);
      return count;
    });
  }

  write(data: Uint8Array | string, offset: number): Promise<number> {
    return this.call(async () => {
      checkWritable(this, 'write()');
      const { bytes, start } = writePlan(data, offset, this.length);
      if (bytes.length > 0) await this.copyIn(bytes, start);
      return bytes.length;
    });
  }

  fill(value: number, offset?: number, length?: number): Promise<void> {
    return this.call(async () => {
      checkWritable(this, 'fill()');
      const { byte, start, count } = fillPlan(value, offset, length, this.length);
      let done = 0;
      if (count > 0) await this.pager.drive(() => (done = fillBytes(this.pager, byte, start, count, done)) === count, this.check);
    });
  }

  move(dest: number, src: number, count: number): Promise<void> {
    return this.call(async () => {
      checkWritable(this, 'move()');
      const { to, from, byteCount } = movePlan(dest, src, count, this.length);
      if (byteCount === 0 || to === from) return;
      this.pager.checkPins(to, byteCount);
      // Through a buffer in both modes: each piece is read whole before any of it is written.
      const buffer = new Uint8Array(Math.min(byteCount, MOVE_CHUNK));
      for (const [at, size] of moveChunks(to, from, byteCount, buffer.length)) {
        const part = size === buffer.length ? buffer : buffer.subarray(0, size);
        await this.copyOut(from + at, part);
        await this.copyIn(part, to + at);
      }
    });
  }

  find(needle: Needle, start?: number, end?: number, options?: AsyncCallOptions): Promise<number> {
    return this.signalled(options, (signal, check) => this.search(needle, start, end, false, check, signal));
  }

  rfind(needle: Needle, start?: number, end?: number, options?: AsyncCallOptions): Promise<number> {
    return this.signalled(options, (signal, check) => this.search(needle, start, end, true, check, signal));
  }

  private async search(needle: Needle, start: number | undefined, end: number | undefined, backward: boolean,
    check: () => void, signal: AbortSignal | undefined): Promise<number> {
    const range = searchPlan(needle, start, end, this.length, backward);
    if (typeof range === 'number') return range;
    let { from, to } = range;
    let result = -1;
    const search = new Search(range.needle, backward);
    await this.pager.drive(() => {
      result = backward ? findBackward(this.pager, search, from, to) : findForward(this.pager, search, from, to);
      if (result >= -1) return true;
      if (backward) to = resumeAt(result);
      else from = resumeAt(result);
      return false;
    }, check, signal);
    return result;
  }

  private copyOut(offset: number, target: Uint8Array, check = this.check, signal?: AbortSignal): Promise<void> {
    let done = 0;
    return this.pager.drive(() => (done = copyOut(this.pager, offset, target, done)) === target.length, check, signal);
  }

  private copyIn(data: Uint8Array, offset: number): Promise<void> {
    let done = 0;
    return this.pager.drive(() => (done = copyIn(this.pager, data, offset, done)) === data.length, this.check);
  }

  cursor(position?: number): AsyncMapCursor {
    this.checkOpen();
    return new AsyncCursor(this, optionalOffset('position', position, this.length, 0));
  }

  // ─── storage ───

  flush(offset?: number, length?: number): Promise<void> {
    return this.call(async () => {
      const { start, count } = spanPlan(offset, length, this.length);
      if (this.access === 'write' && count > 0) await this.pager.flush(start, count);
    });
  }

  /** Resizes a 'write' map and its source, alone: calls in progress finish first, later ones wait. */
  async resize(newLength: number): Promise<void> {
    this.checkLive();
    const byteLength = resizePlan(this.access, newLength);
    if (byteLength === this.length) return;
    if (typeof this.pager.source.truncate !== 'function') throw readOnly('resize() of a source without truncate()');
    await this.pager.alone(async () => {
      this.checkLive();
      await this.pager.flush(0, this.length);
      this.checkLive();
      await this.pager.resize(byteLength);
      this.length = byteLength;
    });
  }

  /** Read-ahead hints ('normal', 'random', 'sequential'), 'dontneed' drops clean pages, 'willneed' starts load() without waiting. */
  advise(advice: Advice, offset?: number, length?: number): void {
    this.checkOpen();
    const { advice: kind, start, count } = advisePlan(advice, offset, length, this.length);
    if (count === 0) return;
    if (kind !== 'willneed') this.pager.advise(kind, start, count);
    else this.load(start, this.pager.identity ? count : Math.min(count, (this.pager.memory.frameCount >> 1) * this.pager.pageSize)).catch(() => undefined);
  }

  // stats() and residency() still answer after a truncation: they describe the map, not the source

  residency(): Residency {
    if (this.isClosed) throw closed();
    return { residentBytes: this.pager.residentBytes(), mappedBytes: this.length };
  }

  stats(): MapStats {
    if (this.isClosed) throw closed();
    return this.pager.stats();
  }

  /** A stream with its own lease: it keeps reading after close() until it ends, errors or is cancelled. */
  stream(offset?: number, length?: number): ReadableStream<Uint8Array> {
    this.checkOpen();
    const { start, count } = spanPlan(offset, length, this.length);
    return streamFrom(this.pager.lease(), start, count);
  }

  /** Flushes a 'write' map, then releases it and closes the source (once no stream holds it).
   *  A failed flush rejects and leaves the map open; calls still pending reject with ERR_MMAP_CLOSED. */
  close(): Promise<void> {
    this.closing ??= this.closeNow().catch((error: unknown) => {
      this.closing = undefined;
      throw error;
    });
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    if (this.isClosed) return;
    await this.pager.gate.settled();
    if (this.access === 'write' && this.length > 0 && !this.isClosed) {
      try {
        await this.pager.flush(0, this.length);
      } catch (error) {
        if (!isTruncated(error)) throw error; // what lay past the source's new end has nowhere to go
      }
    }
    if (this.isClosed) return;
    this.isClosed = true;
    finalizer?.unregister(this);
    this.pager.memory.detachViews();
    this.pager.unref();
    await this.pager.sourceClosed;
  }

  [ASYNC_DISPOSE](): Promise<void> {
    return this.close();
  }
}

/**
 * Maps [offset, offset + length) of `source`. Validates before any side effect:
 * 'write' needs source.write, growing needs source.truncate. If this rejects, the
 * caller still owns the source.
 * @throws {MmapError} ERR_MMAP_READ_ONLY, ERR_MMAP_NO_MEMORY, ERR_MMAP_BACKEND_UNAVAILABLE
 * @throws {RangeError} ERR_OUT_OF_RANGE when the range lies past the source's end without grow
 */
export async function openAsyncWasmMap(source: AsyncPageSource, options: AsyncOpenOptions): Promise<AsyncWasmMap> {
  const range = mapRange(source, options);
  let sourceSize = range.size;
  if (range.growTo !== undefined && range.growTo > range.size) {
    await source.truncate!(range.growTo);
    sourceSize = range.growTo;
  }
  try {
    const pager = new AsyncPager(source, { ...options, offset: range.offset, length: range.length, sourceSize }, options.readsIntoFrames);
    return new AsyncWasmMap(pager, options.access, options.signal);
  } catch (error) {
    if (sourceSize !== range.size) await source.truncate!(range.size); // a grown source is cut back when the map cannot be made
    throw error;
  }
}
