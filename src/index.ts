/** The public surface of portable-mmap; entry points (src/entries/) add the runtime's backends. */
export { openMap, detectBackend } from './open.js';
export { openShared, unlinkShared } from './shared.js';
export { SeqLock } from './seqlock.js';
export { openMapAsync } from './open-async.js';
export { MmapError } from './errors.js';
export { memoryCache, fileCache, opfsCache, cacheStorageCache } from './caches/index.js';
export type { MemoryCacheOptions, FileCacheOptions, OpfsCacheOptions } from './caches/index.js';
export type { MmapErrorCode, Permission, UnsupportedReason } from './errors.js';
export type {
  Access,
  Advice,
  AsyncCallOptions,
  AsyncMapCursor,
  AsyncMapTarget,
  AsyncMapOptions,
  AsyncMemoryMap,
  AsyncPageSource,
  BackendChoice,
  BackendName,
  BackendReport,
  FileSystemSyncAccessHandleLike,
  MapCursor,
  MapOptions,
  MapStats,
  MapTarget,
  MemoryMap,
  Needle,
  PageCache,
  PageSource,
  Residency,
  RuntimeName,
  SharedOptions,
  Whence,
} from './types.js';
