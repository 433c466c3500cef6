/**
 * The native backend's map: MapBase over a real OS mapping made by the Node-API
 * addon (native-backend/). This file adapts the addon and knows nothing about
 * the OS; open.ts opens and maps.
 */
import { allocForCopy, copySmall, SMALL_COPY_MAX, UNINITIALIZED_FROM } from '../../alloc.js';
import { closed, fromFsError, isTruncated, readOnly, truncated } from '../../errors.js';
import { MapBase } from '../../map/base.js';
import type { Lease } from '../../map/stream.js';
import type { Access, Advice, MapStats, Residency } from '../../types.js';
import { ADVICE_CODES, type Addon, type AddonHandle } from './addon.js';

/** Bytes one external ArrayBuffer covers at most (Node's largest ArrayBuffer). */
const WINDOW_SPAN = 2 ** 32;
/** Windows start every 2 GiB, so a range of up to 2 GiB + 8 bytes always lies inside one. */
const WINDOW_STEP = 2 ** 31;
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/** An addon error as the library's own: OS errors via fromSystem(), defensive checks via their factories. */
function fromAddon(error: unknown, path?: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MMAP_CLOSED') return closed();
  if (code === 'ERR_MMAP_READ_ONLY') return readOnly('This call');
  if (code === 'ERR_MMAP_TRUNCATED') return truncated();
  return fromFsError(error, path);
}

/** Runs an addon call that may fail with an OS error about `path`, and throws that error as the library's own. */
export function callAddon<T>(path: string | undefined, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromAddon(error, path);
  }
}

/**
 * A file mapped by the OS: `view()` aliases the page cache (or, for `'read'`
 * and `'copy'`, private copy-on-write pages), so other writers' changes show at
 * once and `stableViews` is always true.
 *
 * Truncation: another process shrinking the mapped file makes a touch past the
 * new end raise SIGBUS; the addon's guard (native-backend/src/sigbus.c) maps zero
 * pages there and sets the region's truncation word, which `truncation` aliases.
 * Loads through views then read zeros; every call checks the word after it
 * touched the map, so a copy that met the zeros throws ERR_MMAP_TRUNCATED
 * instead of returning them. Where the kernel refuses unreserved
 * private mappings (`vm.overcommit_memory=2`), a `'read'` map falls back to a
 * shared read-only mapping, and there a store through `view()` faults.
 *
 * Maps up to 4 GiB are one ArrayBuffer; larger maps are seen through 4 GiB
 * windows that start every 2 GiB, made on first use. The addon tracks every
 * buffer it hands out and detaches them on `close()`/`resize()`.
 *
 * The addon's copyOut/copyIn/fill/move serve only maps over 4 GiB, which have
 * no whole buffer: there a copy may span windows, so the addon copies straight
 * between the mapping and the caller's bytes.
 */
export class NativeMap extends MapBase {
  readonly backend = 'native' as const;
  /** The whole map when it fits one window (≤ 4 GiB) and was needed, else undefined. Never handed out. */
  private whole: Uint8Array | undefined;
  /** Windows of a larger map by index, for typed access; never handed out. */
  private windows: DataView[] = [];
  /** Window buffers that view() hands out; a caller may detach one by transferring it. */
  private exposed: Uint8Array[] = [];
  private bytesRead = 0;
  private bytesWritten = 0;

  constructor(
    private readonly addon: Addon,
    private readonly handle: AddonHandle,
    access: Access,
    byteLength: number,
    private readonly path: string | undefined,
  ) {
    super(access, byteLength);
    this.attach();
  }

  get stableViews(): boolean {
    return true;
  }

  /**
   * Forgets the buffers over the previous mapping (after open and resize); new ones
   * are made on first use. The truncation word is the current region's (a zero-length
   * map has no region, and nothing to truncate).
   */
  private attach(): void {
    this.windows = [];
    this.exposed = [];
    this.whole = this.length === 0 ? new Uint8Array(0) : undefined;
    this.typed = EMPTY_VIEW;
    const flag = this.length === 0 ? undefined : callAddon(this.path, () => this.addon.truncationFlag(this.handle));
    this.truncation = flag === undefined ? new Int32Array(1) : new Int32Array(flag);
  }

  /** Addon failures of the hot paths (find, line scans), as the library's errors; no closure per call. */
  private failed(error: unknown): never {
    throw fromAddon(error, this.path);
  }

  /**
   * The whole map as bytes when it fits one window, made on first use: V8 counts
   * an external ArrayBuffer as external memory and may answer a large one with a
   * garbage collection, so calls that need none (find, flush, close) make none.
   * Undefined for larger maps.
   */
  private wholeBytes(): Uint8Array | undefined {
    if (this.whole === undefined && this.length <= WINDOW_SPAN) {
      this.whole = new Uint8Array(this.windowBuffer(0));
      this.typed = new DataView(this.whole.buffer);
    }
    return this.whole;
  }

  /** A new external buffer over [offset, offset + length), detached by close() and resize(). */
  private buffer(offset: number, length: number): ArrayBuffer {
    return callAddon(this.path, () => this.addon.buffer(this.handle, offset, length));
  }

  /** A new external buffer over window `index`. */
  private windowBuffer(index: number): ArrayBuffer {
    const start = index * WINDOW_STEP;
    return this.buffer(start, Math.min(WINDOW_SPAN, this.length - start));
  }

  protected typedIndex(offset: number): number {
    if (this.whole !== undefined || this.wholeBytes() !== undefined) return offset;
    const index = Math.floor(offset / WINDOW_STEP);
    this.typed = this.windows[index] ??= new DataView(this.windowBuffer(index));
    return offset - index * WINDOW_STEP;
  }

  protected viewRange(offset: number, length: number): Uint8Array {
    if (this.length === 0) return new Uint8Array(0);
    // The window holding the first byte (or the last byte of the map, for a view at its end).
    const index = this.length <= WINDOW_SPAN ? 0 : Math.floor(Math.min(offset, this.length - 1) / WINDOW_STEP);
    const start = index * WINDOW_STEP;
    const end = Math.min(this.length, start + WINDOW_SPAN);
    // Longer than 2 GiB and past this window's end: a buffer of its own.
    if (offset + length > end) return new Uint8Array(this.buffer(offset, length));
    let bytes = this.exposed[index];
    if (bytes === undefined || bytes.byteLength === 0) {
      bytes = this.exposed[index] = new Uint8Array(this.windowBuffer(index));
    }
    return bytes.subarray(offset - start, offset - start + length);
  }

  protected override readCopy(offset: number, length: number): Uint8Array {
    this.bytesRead += length;
    const whole = this.whole ?? this.wholeBytes();
    // slice() is fastest for small reads; large ones skip its zero-fill (see alloc.ts)
    if (whole !== undefined && length < UNINITIALIZED_FROM) return whole.slice(offset, offset + length);
    const copy = allocForCopy(length); // every byte is copied in before it is returned
    if (whole !== undefined) copy.set(whole.subarray(offset, offset + length));
    else if (length > 0) this.addonCopyOut(offset, copy);
    return copy;
  }

  protected override readSmall(offset: number, length: number): Uint8Array {
    if (this.whole === undefined && this.wholeBytes() === undefined) return this.readCopy(offset, length);
    this.bytesRead += length;
    return copySmall(this.typed, offset, length); // with `whole`, `typed` is its DataView
  }

  protected copyOut(offset: number, target: Uint8Array): void {
    this.bytesRead += target.length;
    const whole = this.whole ?? this.wholeBytes();
    if (whole !== undefined) target.set(whole.subarray(offset, offset + target.length));
    else this.addonCopyOut(offset, target);
  }

  private addonCopyOut(offset: number, target: Uint8Array): void {
    try {
      this.addon.copyOut(this.handle, offset, target);
    } catch (error) {
      this.failed(error);
    }
  }

  protected override copyLines(offset: number, target: Uint8Array, ends: Int32Array): number {
    this.bytesRead += target.length;
    try {
      return this.addon.copyLines(this.handle, offset, target, ends);
    } catch (error) {
      return this.failed(error);
    }
  }

  protected copyIn(data: Uint8Array, offset: number): void {
    this.bytesWritten += data.length;
    const whole = this.whole ?? this.wholeBytes();
    if (whole !== undefined) whole.set(data, offset);
    else callAddon(this.path, () => this.addon.copyIn(this.handle, offset, data));
  }

  protected fillRange(value: number, offset: number, length: number): void {
    this.bytesWritten += length;
    const whole = this.whole ?? this.wholeBytes();
    if (whole !== undefined) whole.fill(value, offset, offset + length);
    else callAddon(this.path, () => this.addon.fill(this.handle, value, offset, length));
  }

  protected moveRange(dest: number, src: number, count: number): void {
    const whole = this.whole ?? this.wholeBytes();
    if (whole !== undefined) whole.copyWithin(dest, src, src + count);
    else callAddon(this.path, () => this.addon.move(this.handle, dest, src, count));
  }

  protected findRange(needle: Uint8Array, start: number, end: number): number {
    try {
      return this.addon.find(this.handle, needle, start, end);
    } catch (error) {
      return this.failed(error);
    }
  }

  protected rfindRange(needle: Uint8Array, start: number, end: number): number {
    try {
      return this.addon.rfind(this.handle, needle, start, end);
    } catch (error) {
      return this.failed(error);
    }
  }

  protected flushRange(offset: number, length: number): void {
    callAddon(this.path, () => this.addon.flush(this.handle, offset, length));
  }

  protected flushRangeAsync(offset: number, length: number): Promise<void> {
    return this.addon.flushAsync(this.handle, offset, length).catch((error: unknown) => {
      throw fromAddon(error, this.path);
    });
  }

  protected resizeTo(newLength: number): void {
    try {
      this.addon.resize(this.handle, newLength);
    } catch (error) {
      const failure = fromAddon(error, this.path);
      if (isTruncated(failure)) this.truncation[0] = 1; // a zero-length map's word is this map's own
      throw failure;
    }
    this.length = newLength;
    this.attach();
  }

  protected adviseRange(advice: Advice, offset: number, length: number): void {
    callAddon(this.path, () => this.addon.advise(this.handle, ADVICE_CODES[advice], offset, length));
  }

  protected residencyNow(): Residency {
    return { residentBytes: callAddon(this.path, () => this.addon.residency(this.handle)), mappedBytes: this.length };
  }

  protected statsNow(): MapStats {
    return { faults: 0, evictions: 0, bytesRead: this.bytesRead, bytesWritten: this.bytesWritten, requests: 0, cacheHits: 0 };
  }

  /** Reads through the addon, which keeps the mapping after close() and clips at the current length. */
  protected openLease(): Lease {
    const addon = this.addon;
    const lease = addon.lease(this.handle);
    const path = this.path;
    return {
      copyOut: (offset, target) => callAddon(path, () => addon.leaseCopy(lease, offset, target)),
      release: () => addon.leaseRelease(lease),
    };
  }

  protected release(): void {
    this.addon.close(this.handle);
    this.truncation = new Int32Array(1); // the region's word went with its buffers
    this.whole = undefined;
    this.windows = [];
    this.exposed = [];
    this.typed = EMPTY_VIEW;
  }
}
