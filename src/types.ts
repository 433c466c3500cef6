/** The public interfaces of portable-mmap (docs/api.md describes each member); classes implement them. */

export type Access = 'read' | 'write' | 'copy';
export type BackendName = 'native' | 'wasm';
export type BackendChoice = 'auto' | BackendName;
export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd' | 'edge-light' | 'browser' | 'unknown';
export type Advice = 'normal' | 'random' | 'sequential' | 'willneed' | 'dontneed';
export type Whence = 'start' | 'current' | 'end';

/** What `'auto'` would choose here, and why. */
export interface BackendReport {
  backend: BackendName;
  runtime: RuntimeName;
  reason: string;
}

/** Options of `openMap()`; `undefined` always means "the default". */
export interface MapOptions {
  /** `'read'` (default), `'write'` (changes reach the file) or `'copy'` (private copy-on-write). */
  access?: Access;
  /** Byte offset into the file; any non-negative integer (aligned internally). */
  offset?: number;
  /** Bytes to map (default: file size − offset). */
  length?: number;
  /** With `'write'`: extend the file to offset + length if it is shorter. */
  grow?: boolean;
  /** `'auto'` (default), `'native'` or `'wasm'`. */
  backend?: BackendChoice;
  /** Pager page size in bytes: a power of two, 4 KiB–16 MiB (default 64 KiB). Wasm only. */
  pageSize?: number;
  /** Bytes of pages held at once (default 256 MiB). Wasm only. */
  maxResident?: number;
}

/** Options of `openMapAsync()`. */
export interface AsyncMapOptions extends MapOptions {
  headers?: HeadersInit;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  timeout?: number;
  /** Most source requests in flight per map (default 6). */
  concurrency?: number;
  /** Misses waited for at the same moment at most this many bytes apart share one request, the gap included (default `pageSize`; 0 allowed). */
  mergeGap?: number;
  /** No request asks for more bytes; a longer run is split (default 16 MiB, at least `pageSize`). */
  maxRequestBytes?: number;
  /** Keeps fetched pages across maps, processes and sessions (docs/remote.md, "Caching"). */
  cache?: PageCache;
  /** Names the object in `cache` (default: the full URL; required with `cache` for a Blob or an AsyncPageSource). */
  cacheKey?: string;
}

/** Options of one Promise-returning read of an AsyncMemoryMap. */
export interface AsyncCallOptions {
  /** Aborting rejects this call with an AbortError; a request other calls still wait for goes on. */
  signal?: AbortSignal;
}

/**
 * Where fetched pages are kept across maps: the library makes the keys (from `cacheKey`, the
 * object's validator and size, `pageSize` and the page index) and checks what `get` returns.
 * The bytes handed to `put()` belong to the cache.
 */
export interface PageCache {
  get(key: string): Promise<Uint8Array | undefined> | Uint8Array | undefined;
  put(key: string, bytes: Uint8Array): Promise<void> | void;
  delete?(key: string): Promise<void> | void;
}

/** Options of `openShared()`. */
export interface SharedOptions {
  /**
   * With `create`: the new object's size in bytes (required, ≥ 1). Without: how many
   * bytes of the existing object to map (default: all of it; more is ERR_OUT_OF_RANGE).
   */
  size?: number;
  /** Create a new object under the name (EEXIST if it exists); default false: open an existing one. */
  create?: boolean;
}

export interface Residency {
  residentBytes: number;
  mappedBytes: number;
}

export interface MapStats {
  faults: number;
  evictions: number;
  bytesRead: number;
  bytesWritten: number;
  requests: number;
  /** Pages an async map's `cache` served (0 without one, and on synchronous maps). */
  cacheHits: number;
}

/** Python's file-like half of mmap: a position and reads/writes relative to it. */
export interface MapCursor {
  position: number;
  seek(offset: number, whence?: Whence): number;
  read(length?: number): Uint8Array;
  readByte(): number | undefined;
  readLine(): Uint8Array;
  /** Copies of each line, its '\n' included; consecutive lines may share one ArrayBuffer. */
  lines(): IterableIterator<Uint8Array>;
  /** The same lines, decoded (each with its '\n'; invalid UTF-8 becomes U+FFFD; latin1 is ISO-8859-1). */
  lines(options: { encoding: 'utf8' | 'latin1' }): IterableIterator<string>;
  write(data: Uint8Array | string): number;
  writeByte(value: number): void;
}

export type Needle = Uint8Array | string | number;

/** A memory map: random access, in-place edits, search; every backend behaves alike. */
export interface MemoryMap extends Disposable {
  readonly backend: BackendName;
  readonly access: Access;
  readonly byteLength: number;
  readonly closed: boolean;
  readonly stableViews: boolean;

  at(index: number): number | undefined;
  read(offset: number, length?: number): Uint8Array;
  readInto(target: ArrayBufferView, offset: number): number;

  getUint8(offset: number): number;
  getInt8(offset: number): number;
  getUint16(offset: number, littleEndian?: boolean): number;
  getInt16(offset: number, littleEndian?: boolean): number;
  getUint32(offset: number, littleEndian?: boolean): number;
  getInt32(offset: number, littleEndian?: boolean): number;
  getFloat32(offset: number, littleEndian?: boolean): number;
  getFloat64(offset: number, littleEndian?: boolean): number;
  getBigUint64(offset: number, littleEndian?: boolean): bigint;
  getBigInt64(offset: number, littleEndian?: boolean): bigint;
  setUint8(offset: number, value: number): void;
  setInt8(offset: number, value: number): void;
  setUint16(offset: number, value: number, littleEndian?: boolean): void;
  setInt16(offset: number, value: number, littleEndian?: boolean): void;
  setUint32(offset: number, value: number, littleEndian?: boolean): void;
  setInt32(offset: number, value: number, littleEndian?: boolean): void;
  setFloat32(offset: number, value: number, littleEndian?: boolean): void;
  setFloat64(offset: number, value: number, littleEndian?: boolean): void;
  setBigUint64(offset: number, value: bigint, littleEndian?: boolean): void;
  setBigInt64(offset: number, value: bigint, littleEndian?: boolean): void;

  view(offset?: number, length?: number): Uint8Array;
  write(data: Uint8Array | string, offset: number): number;
  fill(value: number, offset?: number, length?: number): void;
  move(dest: number, src: number, count: number): void;
  find(needle: Needle, start?: number, end?: number): number;
  rfind(needle: Needle, start?: number, end?: number): number;
  cursor(position?: number): MapCursor;
  flush(offset?: number, length?: number): void;
  flushAsync(offset?: number, length?: number): Promise<void>;
  resize(newLength: number): void;
  advise(advice: Advice, offset?: number, length?: number): void;
  residency(): Residency;
  stats(): MapStats;
  stream(offset?: number, length?: number): ReadableStream<Uint8Array>;
  close(): void;
}

/** A cursor of an `AsyncMemoryMap`: reads and writes return Promises. */
export interface AsyncMapCursor {
  position: number;
  seek(offset: number, whence?: Whence): number;
  read(length?: number): Promise<Uint8Array>;
  readByte(): Promise<number | undefined>;
  readLine(): Promise<Uint8Array>;
  lines(): AsyncIterableIterator<Uint8Array>;
  lines(options: { encoding: 'utf8' | 'latin1' }): AsyncIterableIterator<string>;
  write(data: Uint8Array | string): Promise<number>;
  writeByte(value: number): Promise<void>;
}

/** A map over a source that can only be read asynchronously (HTTP, Blob, AsyncPageSource). */
export interface AsyncMemoryMap extends AsyncDisposable {
  readonly backend: BackendName;
  readonly access: Access;
  readonly byteLength: number;
  readonly closed: boolean;
  readonly stableViews: boolean;

  load(offset: number, length: number, options?: AsyncCallOptions): Promise<void>;
  at(index: number): number | undefined;
  read(offset: number, length?: number, options?: AsyncCallOptions): Promise<Uint8Array>;
  readInto(target: ArrayBufferView, offset: number, options?: AsyncCallOptions): Promise<number>;
  getUint8(offset: number): number;
  getInt8(offset: number): number;
  getUint16(offset: number, littleEndian?: boolean): number;
  getInt16(offset: number, littleEndian?: boolean): number;
  getUint32(offset: number, littleEndian?: boolean): number;
  getInt32(offset: number, littleEndian?: boolean): number;
  getFloat32(offset: number, littleEndian?: boolean): number;
  getFloat64(offset: number, littleEndian?: boolean): number;
  getBigUint64(offset: number, littleEndian?: boolean): bigint;
  getBigInt64(offset: number, littleEndian?: boolean): bigint;
  view(offset?: number, length?: number): Uint8Array;
  write(data: Uint8Array | string, offset: number): Promise<number>;
  fill(value: number, offset?: number, length?: number): Promise<void>;
  move(dest: number, src: number, count: number): Promise<void>;
  find(needle: Needle, start?: number, end?: number, options?: AsyncCallOptions): Promise<number>;
  rfind(needle: Needle, start?: number, end?: number, options?: AsyncCallOptions): Promise<number>;
  cursor(position?: number): AsyncMapCursor;
  flush(offset?: number, length?: number): Promise<void>;
  resize(newLength: number): Promise<void>;
  advise(advice: Advice, offset?: number, length?: number): void;
  residency(): Residency;
  stats(): MapStats;
  stream(offset?: number, length?: number): ReadableStream<Uint8Array>;
  close(): Promise<void>;
}

/** A synchronous page source for the wasm backend; positions are bytes from the start of the source. */
export interface PageSource {
  readonly size: number;
  read(into: Uint8Array, position: number): number;
  write?(from: Uint8Array, position: number): number;
  truncate?(size: number): void;
  sync?(): void;
  close?(): void;
}

/** The asynchronous twin of `PageSource`. */
export interface AsyncPageSource {
  readonly size: number;
  /** `options.signal` aborts when no call waits for this read any more: a source may stop early (and reject). */
  read(into: Uint8Array, position: number, options?: { signal?: AbortSignal }): Promise<number>;
  write?(from: Uint8Array, position: number): Promise<number>;
  truncate?(size: number): Promise<void>;
  sync?(): Promise<void>;
  close?(): Promise<void>;
}

/** What `openMapAsync()` accepts as its first argument: an http(s) URL or Request, a Blob or File, or an AsyncPageSource. */
export type AsyncMapTarget = string | URL | Request | Blob | AsyncPageSource;

/** What `openMap()` accepts as its first argument. */
export type MapTarget = string | URL | number | Uint8Array | PageSource | FileSystemSyncAccessHandleLike;

/** The members of an OPFS `FileSystemSyncAccessHandle` that a map uses. */
export interface FileSystemSyncAccessHandleLike {
  read(buffer: ArrayBufferView, options?: { at?: number }): number;
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
