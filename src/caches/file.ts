/** fileCache(): pages in a directory that survives restarts (Node, Bun, Deno), through the platform's `cacheFiles`. */
import { GiB } from '../args.js';
import { cacheUnavailable } from '../errors.js';
import { platform } from '../platforms/registry.js';
import type { PageCache } from '../types.js';
import { nameArgument, maxBytesOption } from './options.js';
import { StoredCache } from './stored.js';

export interface FileCacheOptions {
  /** Bytes of entry files kept in the directory (default 1 GiB); the least recently used go first. */
  maxBytes?: number;
}

export const DEFAULT_FILE_CACHE_BYTES = 1 * GiB;

/**
 * A PageCache in directory `dir` (created on first use). Entries are written by
 * rename, so none is ever torn; each holds its key and a checksum, so a damaged or
 * foreign file reads as a miss (and is removed). Other files in `dir` are left alone.
 * @throws {MmapError} ERR_MMAP_BACKEND_UNAVAILABLE where the runtime has no node:fs (browsers, workerd);
 *   EACCES (`permission`) on Deno without --allow-read and --allow-write for `dir`
 * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE (`dir`), ERR_OUT_OF_RANGE (`maxBytes`)
 */
export function fileCache(dir: string, options?: FileCacheOptions): PageCache {
  const path = nameArgument('dir', dir);
  const maxBytes = maxBytesOption(options, DEFAULT_FILE_CACHE_BYTES);
  const files = platform().cacheFiles;
  if (files === undefined) throw cacheUnavailable('fileCache', `${platform().runtime} has no file system (use opfsCache or cacheStorageCache)`);
  return new StoredCache(files.open(path), maxBytes);
}
