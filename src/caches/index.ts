/** The built-in PageCaches (docs/remote.md, "Caching"); every entry exports them, each says where it runs. */
export { memoryCache, type MemoryCacheOptions } from './memory.js';
export { fileCache, type FileCacheOptions } from './file.js';
export { opfsCache, type OpfsCacheOptions } from './opfs.js';
export { cacheStorageCache } from './cache-storage.js';
