/**
 * openMap() and detectBackend(): classify the target, validate every option,
 * choose the backend, and only then touch the file or source.
 */
import { checkInteger, isSourceLike, normalizeOptions } from './args.js';
import { BACKEND_ENV, chooseBackend, requireBackend, type Capabilities } from './detect.js';
import { backendUnavailable, invalidArgType, invalidArgValue } from './errors.js';
import { platform, type FileTarget, type Platform, type WasmBackend } from './platforms/registry.js';
import { builtin, readEnv } from './runtime.js';
import { blobSyncSource, hasFileReaderSync } from './sources/blob.js';
import { bytesSource } from './sources/bytes.js';
import { isSyncAccessHandle, opfsSource } from './sources/opfs.js';
import type { BackendReport, MapOptions, MapTarget, MemoryMap, PageSource } from './types.js';

type ClassifiedTarget = { kind: 'file'; file: FileTarget } | { kind: 'source'; source: PageSource };

const MAX_FD = 2 ** 31 - 1;

function isUrlLike(value: object): value is URL {
  const url = value as Partial<URL>;
  return typeof url.href === 'string' && typeof url.protocol === 'string' && typeof url.pathname === 'string';
}

function urlToPath(url: URL): string {
  if (url.protocol !== 'file:') {
    throw invalidArgValue('target', url.href, undefined);
  }
  const fileURLToPath = builtin<{ fileURLToPath(u: URL | string): string }>('node:url')?.fileURLToPath;
  return fileURLToPath ? fileURLToPath(url.href) : decodeURIComponent(url.pathname);
}

/** What the first argument of openMap() names; validated, nothing opened yet (a Blob needs FileReaderSync). */
export function classifyTarget(target: unknown): ClassifiedTarget {
  if (typeof target === 'string') {
    if (target === '') throw invalidArgValue('target', target, undefined);
    if (target.includes('\0')) throw invalidArgValue('target', target.replace(/\0/g, '\\0'), undefined);
    return { kind: 'file', file: { path: target } };
  }
  if (typeof target === 'number') return { kind: 'file', file: { fd: checkInteger('target', target, 0, MAX_FD) } };
  if (target instanceof Uint8Array) return { kind: 'source', source: bytesSource(target) };
  if (target !== null && typeof target === 'object') {
    if (isUrlLike(target)) return { kind: 'file', file: { path: urlToPath(target) } };
    if (isSyncAccessHandle(target)) return { kind: 'source', source: opfsSource(target) };
    if (isSourceLike<PageSource>(target)) return { kind: 'source', source: target };
    if (typeof Blob === 'function' && target instanceof Blob) {
      // Read synchronously only where FileReaderSync exists (browser workers); else it is openMapAsync's.
      if (hasFileReaderSync()) return { kind: 'source', source: blobSyncSource(target) };
      throw invalidArgType('target', 'a Blob only in a browser worker (elsewhere use openMapAsync(blob))', target);
    }
  }
  throw invalidArgType(
    'target',
    'a path (string or file: URL), a file descriptor, a Uint8Array, a FileSystemSyncAccessHandle or a PageSource',
    target,
  );
}

const NO_WASM = 'the wasm pager is not part of this build';

/**
 * The platform's wasm backend, if this build has it and it can load here.
 * @throws {MmapError} ERR_MMAP_BACKEND_UNAVAILABLE with the reason
 */
export function requireWasm(p: Platform): WasmBackend {
  const availability = p.wasm?.availability() ?? { available: false, reason: NO_WASM };
  if (!availability.available) throw backendUnavailable('wasm', availability.reason);
  return p.wasm!;
}

export function capabilities(): Capabilities {
  const p = platform();
  return {
    runtime: p.runtime,
    override: readEnv(BACKEND_ENV),
    native: () => p.native?.availability() ?? { available: false, reason: `no native backend in this ${p.runtime} build` },
    wasm: () => p.wasm?.availability() ?? { available: false, reason: NO_WASM },
  };
}

/**
 * What `backend: 'auto'` would choose here, and why.
 * @throws {TypeError} ERR_INVALID_ARG_VALUE when PORTABLE_MMAP_BACKEND names no backend
 */
export function detectBackend(): BackendReport {
  return chooseBackend(capabilities());
}

/**
 * Maps a file (by path, file: URL or descriptor) or a synchronous source.
 * @throws {MmapError} ENOENT, EISDIR, EACCES, ERR_MMAP_BACKEND_UNAVAILABLE, ERR_MMAP_READ_ONLY
 * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE
 */
export function openMap(target: MapTarget, options?: MapOptions): MemoryMap {
  const classified = classifyTarget(target);
  const p = platform();
  const opts = normalizeOptions(options, p.defaultMaxResident);
  if (classified.kind === 'source') {
    if (opts.backend === 'native') {
      throw invalidArgValue('options.backend', 'native', ['auto', 'wasm'] as const);
    }
    return requireWasm(p).open(classified.source, opts);
  }
  const backend = requireBackend(capabilities(), opts.backend);
  if (backend === 'native') return p.native!.openFile(classified.file, opts);
  if (!p.files) throw backendUnavailable('wasm', `files cannot be opened in ${p.runtime}; pass a Uint8Array or a PageSource`);
  const source = p.files.open(classified.file, opts.access);
  try {
    return p.wasm!.open(source, opts);
  } catch (error) {
    source.close?.();
    throw error;
  }
}
