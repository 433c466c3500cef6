/**
 * Argument validation, in one place, so every backend rejects a call identically
 * and before any side effect. Numbers follow Node's validateInteger rules:
 * a non-number is ERR_INVALID_ARG_TYPE; NaN, fractions, infinities, negatives and
 * values beyond the allowed range are ERR_OUT_OF_RANGE. The map calls' own argument
 * lists are checked by the call plans in map/plans.ts, built on these rules.
 */
import { invalidArgType, invalidArgValue, outOfRange, readOnly } from './errors.js';
import type { Access, Advice, AsyncMapOptions, AsyncPageSource, PageCache, PageSource, BackendChoice, MapOptions, Needle, SharedOptions, Whence } from './types.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
/** Largest single view or whole-map copy: one Uint8Array of up to 2^32 − 1 bytes. */
export const MAX_VIEW_LENGTH = 2 ** 32 - 1;
export const MIN_PAGE_SIZE = 4 * KiB;
export const MAX_PAGE_SIZE = 16 * MiB;
export const DEFAULT_PAGE_SIZE = 64 * KiB;
export const DEFAULT_MAX_RESIDENT = 256 * MiB;
/** wasm32 memory is 4 GiB; 64 MiB stay for the pager's scratch. */
export const MAX_MAX_RESIDENT = 4 * GiB - 64 * MiB;

export const ACCESS_MODES: readonly Access[] = ['read', 'write', 'copy'];
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'native', 'wasm'];
export const ADVICES: readonly Advice[] = ['normal', 'random', 'sequential', 'willneed', 'dontneed'];
export const WHENCES: readonly Whence[] = ['start', 'current', 'end'];

/** Throws the error Node's validateInteger would for a value outside [min, max]. */
export function integerError(name: string, value: unknown, min: number, max: number): Error {
  if (typeof value !== 'number') return invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) return outOfRange(name, value, 'an integer');
  return outOfRange(name, value, `>= ${min} && <= ${max}`);
}

/** An integer in [min, max]; the fast path is one comparison chain. */
export function checkInteger(name: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && value >= min && value <= max && Number.isInteger(value)) return value;
  throw integerError(name, value, min, max);
}

/** An offset into a map: an integer in [0, byteLength]. */
export function checkOffset(name: string, value: unknown, byteLength: number): number {
  if (typeof value === 'number' && value >= 0 && value <= byteLength && Number.isInteger(value)) return value;
  throw integerError(name, value, 0, byteLength);
}

/** An optional offset: `undefined` means `fallback`. */
export function optionalOffset(name: string, value: unknown, byteLength: number, fallback: number): number {
  return value === undefined ? fallback : checkOffset(name, value, byteLength);
}

/** A length that reads clip at the end of the map; `undefined` means "to the end". */
export function clippedLength(value: unknown, offset: number, byteLength: number, limit = Number.MAX_SAFE_INTEGER): number {
  const rest = byteLength - offset;
  if (value === undefined) {
    if (rest > limit) throw outOfRange('length', rest, `<= ${limit} (ask for a range)`);
    return rest;
  }
  const length = checkInteger('length', value);
  if (length > limit && rest > limit) throw outOfRange('length', length, `>= 0 && <= ${limit}`);
  return Math.min(length, rest);
}

/** A length that writes use as given: the range must lie inside the map. */
export function exactLength(name: string, value: unknown, offset: number, byteLength: number): number {
  return checkInteger(name, value, 0, byteLength - offset);
}

/** A byte value for fill(), writeByte() or a number needle. */
export function checkByte(name: string, value: unknown): number {
  return checkInteger(name, value, 0, 255);
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (!(allowed as readonly string[]).includes(value)) throw invalidArgValue(name, value, allowed);
  return value as T;
}

const encoder = new TextEncoder();

/** Bytes to write: a Uint8Array (any ArrayBufferView) as is, a string as UTF-8. */
export function toBytes(name: string, data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return encoder.encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw invalidArgType(name, 'of type string or an instance of Uint8Array', data);
}

/** A search needle as bytes. */
export function toNeedle(needle: unknown): Uint8Array {
  if (typeof needle === 'number') return Uint8Array.of(checkByte('needle', needle));
  return toBytes('needle', needle as Needle);
}

/** The target of readInto() (or another argument named `name`): any ArrayBufferView, seen as bytes. */
export function toTargetBytes(target: unknown, name = 'target'): Uint8Array {
  if (target instanceof Uint8Array) return target;
  if (ArrayBuffer.isView(target)) return new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  throw invalidArgType(name, 'an instance of ArrayBufferView (a typed array, DataView or Buffer)', target);
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** The options openMapAsync() adds to openMap()'s, validated (the HTTP source checks the headers' contents). */
export interface AsyncOptions {
  headers: HeadersInit | undefined;
  fetch: typeof globalThis.fetch | undefined;
  signal: AbortSignal | undefined;
  timeout: number | undefined;
  concurrency: number;
  mergeGap: number;
  maxRequestBytes: number;
  cache: PageCache | undefined;
  cacheKey: string | undefined;
}

/** Default `concurrency` (browsers open at most 6 HTTP/1.1 connections per origin). */
export const DEFAULT_CONCURRENCY = 6;
export const MAX_CONCURRENCY = 64;
/** Default `maxRequestBytes`. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Largest `mergeGap` and `maxRequestBytes`: 1 GiB, far past any useful request. */
export const MAX_REQUEST_BYTES = 1024 * 1024 * 1024;

/** Largest `timeout`: setTimeout's limit (2^31 − 1 ms). */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** `openMap()` options after validation, with every default filled in. */
export interface NormalizedOptions {
  access: Access;
  offset: number;
  length: number | undefined;
  grow: boolean;
  backend: BackendChoice;
  pageSize: number;
  maxResident: number;
}

/**
 * Validates openMap()'s `options` (pageSize and maxResident on every backend, even
 * where ignored); last, `grow` needs access 'write'.
 * @throws {MmapError} ERR_MMAP_READ_ONLY for grow without 'write'
 */
export function normalizeOptions(options: unknown, defaultMaxResident = DEFAULT_MAX_RESIDENT): NormalizedOptions {
  return checkGrow(mapOptions(options, defaultMaxResident));
}

/**
 * Validates openMapAsync()'s `options`: openMap()'s, then its own (headers, fetch,
 * signal, timeout), then the rule that `grow` needs access 'write'.
 */
export function normalizeAsyncOptions(options: unknown, defaultMaxResident = DEFAULT_MAX_RESIDENT): NormalizedOptions & AsyncOptions {
  const opts = mapOptions(options, defaultMaxResident);
  const own = asyncOptions(options as AsyncMapOptions | undefined, opts.pageSize);
  return { ...checkGrow(opts), ...own };
}

/** Growing writes to the file or source, so only a 'write' map may grow it. */
function checkGrow(opts: NormalizedOptions): NormalizedOptions {
  if (opts.grow && opts.access !== 'write') throw readOnly(`grow with access '${opts.access}'`);
  return opts;
}

function isSignal(value: unknown): value is AbortSignal {
  return value !== null && typeof value === 'object' && typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function';
}

/** openMapAsync()'s own options; mapOptions() checked that `options` is an object. */
function asyncOptions(o: AsyncMapOptions = {}, pageSize: number): AsyncOptions {
  const { headers, fetch, signal, timeout, cache, cacheKey } = o;
  if (headers !== undefined && (headers === null || typeof headers !== 'object')) {
    throw invalidArgType('options.headers', 'an object (Headers, a record or an array of pairs)', headers);
  }
  if (fetch !== undefined && typeof fetch !== 'function') throw invalidArgType('options.fetch', 'of type function', fetch);
  if (signal !== undefined && !isSignal(signal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
  if (cache !== undefined && (cache === null || typeof cache !== 'object' || typeof cache.get !== 'function' || typeof cache.put !== 'function')) {
    throw invalidArgType('options.cache', 'a PageCache (an object with get() and put())', cache);
  }
  if (cacheKey !== undefined && typeof cacheKey !== 'string') throw invalidArgType('options.cacheKey', 'of type string', cacheKey);
  return {
    headers,
    fetch,
    signal,
    timeout: timeout === undefined ? undefined : checkInteger('options.timeout', timeout, 0, MAX_TIMEOUT),
    concurrency: o.concurrency === undefined ? DEFAULT_CONCURRENCY : checkInteger('options.concurrency', o.concurrency, 1, MAX_CONCURRENCY),
    mergeGap: o.mergeGap === undefined ? pageSize : checkInteger('options.mergeGap', o.mergeGap, 0, MAX_REQUEST_BYTES),
    maxRequestBytes: o.maxRequestBytes === undefined
      ? Math.max(DEFAULT_MAX_REQUEST_BYTES, pageSize)
      : checkInteger('options.maxRequestBytes', o.maxRequestBytes, pageSize, MAX_REQUEST_BYTES),
    cache,
    cacheKey,
  };
}

/** A Promise-returning read's trailing options (`{ signal }`); undefined when there are none. */
export function callSignal(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const { signal } = options as { signal?: unknown };
  if (signal !== undefined && !isSignal(signal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
  return signal as AbortSignal | undefined;
}

function mapOptions(options: unknown, defaultMaxResident: number): NormalizedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const o = options as MapOptions;
  const access = o.access === undefined ? 'read' : checkOneOf('options.access', o.access, ACCESS_MODES);
  const offset = o.offset === undefined ? 0 : checkInteger('options.offset', o.offset);
  const length = o.length === undefined ? undefined : checkInteger('options.length', o.length);
  if (length !== undefined && offset + length > Number.MAX_SAFE_INTEGER) {
    throw outOfRange('options.length', length, `>= 0 && <= ${Number.MAX_SAFE_INTEGER - offset}`);
  }
  const grow = o.grow === undefined ? false : checkBoolean('options.grow', o.grow);
  const backend = o.backend === undefined ? 'auto' : checkOneOf('options.backend', o.backend, BACKEND_CHOICES);
  const pageSize = o.pageSize === undefined ? DEFAULT_PAGE_SIZE : checkPageSize(o.pageSize);
  const maxResident = o.maxResident === undefined
    ? Math.max(defaultMaxResident, 2 * pageSize)
    : checkMaxResident(o.maxResident, pageSize);
  return { access, offset, length, grow, backend, pageSize, maxResident };
}

/**
 * A source-like object as openMap() and openMapAsync() take it: `read` is a function
 * and `size` a number (PageSource and AsyncPageSource have the same shape).
 */
export function isSourceLike<S extends PageSource | AsyncPageSource>(value: unknown): value is S {
  if (value === null || typeof value !== 'object') return false;
  const source = value as { read?: unknown; size?: unknown };
  return typeof source.read === 'function' && typeof source.size === 'number';
}

function checkPageSize(value: unknown): number {
  const pageSize = checkInteger('options.pageSize', value, MIN_PAGE_SIZE, MAX_PAGE_SIZE);
  if ((pageSize & (pageSize - 1)) !== 0) throw outOfRange('options.pageSize', pageSize, 'a power of two');
  return pageSize;
}

function checkMaxResident(value: unknown, pageSize: number): number {
  const maxResident = checkInteger('options.maxResident', value, 2 * pageSize, MAX_MAX_RESIDENT);
  if (maxResident % pageSize !== 0) {
    throw outOfRange('options.maxResident', maxResident, `a multiple of pageSize (${pageSize})`);
  }
  return maxResident;
}

/** The byte range of a file that a map covers, and the size to grow the file to first, if any. */
export interface MapRange {
  offset: number;
  length: number;
  growTo: number | undefined;
}

/**
 * Where the map lies in a file of `fileSize` bytes. Mapping past the end without
 * `grow` is ERR_OUT_OF_RANGE (checked before the file is touched).
 */
export function resolveRange(fileSize: number, options: NormalizedOptions): MapRange {
  const { offset, length, grow } = options;
  if (length === undefined) {
    if (offset > fileSize) throw outOfRange('options.offset', offset, `>= 0 && <= ${fileSize} (the file's size)`);
    return { offset, length: fileSize - offset, growTo: undefined };
  }
  if (offset + length <= fileSize) return { offset, length, growTo: undefined };
  if (!grow) {
    throw outOfRange('options.length', length, `>= 0 && <= ${Math.max(0, fileSize - offset)} (the file's size - offset), or pass grow: true`);
  }
  return { offset, length, growTo: offset + length };
}

/** `openShared()` options after validation. */
export interface NormalizedSharedOptions {
  create: boolean;
  /** Bytes to create, or (without `create`) to map; undefined: the whole object. */
  size: number | undefined;
}

/**
 * A shared memory name as Python's `SharedMemory(name)` takes it: not empty, no '/'
 * (the platform adds the leading one), no NUL, not '.' or '..'. Its length limit is
 * the platform's, and the addon reports a longer name as ENAMETOOLONG.
 */
export function checkSharedName(value: unknown): string {
  if (typeof value !== 'string') throw invalidArgType('name', 'of type string', value);
  let rule: string | undefined;
  if (value === '') rule = 'must not be empty';
  else if (value.includes('/')) rule = "must not contain '/' (the leading '/' is added, as Python does)";
  else if (value.includes('\0')) rule = 'must not contain NUL bytes';
  else if (value === '.' || value === '..') rule = "must not be '.' or '..'";
  if (rule !== undefined) throw invalidArgValue('name', value.replace(/\0/g, '\\0'), rule);
  return value;
}

/** Validates `openShared()` options: `size` is required (≥ 1) with `create`, optional (≥ 0) without. */
export function normalizeSharedOptions(options: unknown): NormalizedSharedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const o = options as SharedOptions;
  const create = o.create === undefined ? false : checkBoolean('options.create', o.create);
  if (create && o.size === undefined) throw invalidArgType('options.size', 'of type number with create: true', o.size);
  const size = o.size === undefined ? undefined : checkInteger('options.size', o.size, create ? 1 : 0);
  return { create, size };
}

/** Bytes an `openShared()` map covers: `size` if given (never more than the object holds), else the whole object. */
export function sharedLength(objectSize: number, options: NormalizedSharedOptions): number {
  const { size } = options;
  if (size === undefined) return objectSize;
  if (size > objectSize) throw outOfRange('options.size', size, `>= 0 && <= ${objectSize} (the shared memory object's size)`);
  return size;
}
