/**
 * openMapAsync(): classify the target, validate every option, open the source
 * (one probe request for HTTP), and map it on the wasm pager.
 */
import { isSourceLike, normalizeAsyncOptions } from './args.js';
import { aborted, backendUnavailable, invalidArgType, invalidArgValue, readOnly } from './errors.js';
import { requireWasm } from './open.js';
import { platform } from './platforms/registry.js';
import { blobSource } from './sources/blob.js';
import { guardedSource } from './sources/guarded.js';
import { openHttpSource, type HttpSource } from './sources/http/source.js';
import { isStrongEtag, type Validators } from './sources/http/headers.js';
import { CachedSource } from './sources/cached.js';
import { PlannedSource } from './sources/planner.js';
import { pinValidator } from './map/validators.js';
import type { AsyncMapOptions, AsyncMapTarget, AsyncMemoryMap, AsyncPageSource } from './types.js';

type ClassifiedAsyncTarget =
  | { kind: 'http'; target: string | URL | Request }
  | { kind: 'blob'; blob: Blob }
  | { kind: 'source'; source: AsyncPageSource };

/** What the first argument of openMapAsync() names; nothing is fetched yet (the HTTP source checks the URL). */
function classifyAsyncTarget(target: unknown): ClassifiedAsyncTarget {
  if (typeof target === 'string' || target instanceof URL) return { kind: 'http', target };
  if (typeof Request === 'function' && target instanceof Request) return { kind: 'http', target };
  if (typeof Blob === 'function' && target instanceof Blob) return { kind: 'blob', blob: target };
  if (target !== null && typeof target === 'object' && !ArrayBuffer.isView(target) && isSourceLike<AsyncPageSource>(target)) {
    return { kind: 'source', source: target };
  }
  throw invalidArgType('target', 'an http(s) URL (string or URL), a Request, a Blob or an AsyncPageSource', target);
}

/**
 * The part of a page's cache key that names one version of the object: `cacheKey`, its
 * validator (a strong ETag, else Last-Modified; a weak ETag may stay the same across
 * changes) and size, and the page size; the page index follows.
 */
function pagePrefix(cacheKey: string, validators: Validators, size: number, pageSize: number): string {
  const validator = isStrongEtag(validators.etag) ? validators.etag : validators.lastModified ?? '';
  return `portable-mmap/1\n${cacheKey}\n${validator}\n${size}\n${pageSize}\n`;
}

/**
 * Maps an object that can only be read asynchronously: an http(s) URL or Request
 * (HTTP Range requests), a Blob or File, or an AsyncPageSource.
 * Every error rejects, argument errors included.
 * @throws {MmapError} ERR_MMAP_SOURCE_UNSUPPORTED (`reason`), ERR_MMAP_SOURCE_FAILED (`status`, `url`),
 *   ERR_MMAP_READ_ONLY ('write' on HTTP or a Blob), ERR_MMAP_BACKEND_UNAVAILABLE; AbortError when `signal` aborts
 * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE
 */
export async function openMapAsync(target: AsyncMapTarget, options?: AsyncMapOptions): Promise<AsyncMemoryMap> {
  const classified = classifyAsyncTarget(target);
  const p = platform();
  const { headers, fetch, signal, timeout, concurrency, mergeGap, maxRequestBytes, cache, cacheKey, ...opts } =
    normalizeAsyncOptions(options, p.defaultMaxResident);
  if (opts.backend === 'native') throw backendUnavailable('native', 'openMapAsync() maps asynchronous sources with the wasm pager only');
  const wasm = requireWasm(p);
  if (classified.kind !== 'source' && opts.access === 'write') throw readOnly(`access 'write' on ${classified.kind === 'http' ? 'an HTTP object' : 'a Blob'}`);
  if (cache !== undefined && opts.access === 'write') throw invalidArgValue('options.cache', cache, "a cache serves 'read' and 'copy' maps (written pages would go stale in it)");
  if (cache !== undefined && cacheKey === undefined && classified.kind !== 'http') {
    throw invalidArgType('options.cacheKey', 'a string (required with options.cache for a Blob or an AsyncPageSource)', cacheKey);
  }
  if (signal?.aborted) throw aborted(signal.reason);
  const guard = { signal, timeout, maxInFlight: concurrency };
  let source: AsyncPageSource;
  if (classified.kind === 'http') {
    // the probe asks for the first page, so that page needs no request of its own
    source = await openHttpSource(classified.target, { headers, fetch, signal, timeout, probeLength: opts.pageSize, maxInFlight: concurrency });
  } else if (classified.kind === 'blob') {
    source = guardedSource(blobSource(classified.blob), guard); // the guard applies the signal
  } else {
    source = guardedSource(classified.source, guard);
  }
  const validators = classified.kind === 'http' ? (source as HttpSource).validators : {};
  // pager → cache (if any) → request planner → source; each layer passes close() down
  let layered: AsyncPageSource = new PlannedSource(source, { mergeGap, maxRequestBytes });
  if (cache !== undefined) {
    const key = cacheKey ?? (source as HttpSource).url;
    layered = new CachedSource(layered, cache, pagePrefix(key, validators, source.size, opts.pageSize), opts.pageSize);
  }
  try {
    // The HTTP source aborts its requests when closed, so its reads may land in the frames.
    const map = await wasm.openAsync(layered, { ...opts, signal, readsIntoFrames: classified.kind === 'http' });
    if (classified.kind === 'http') pinValidator(map, validators.etag ?? validators.lastModified);
    return map;
  } catch (error) {
    // A source the library opened is closed again; the caller's own source stays the caller's.
    if (classified.kind !== 'source') await source.close?.().catch(() => undefined);
    throw error;
  }
}
