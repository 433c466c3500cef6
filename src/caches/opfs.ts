/**
 * opfsCache(): pages in a subdirectory of the origin private file system (browsers,
 * main thread and workers), through the asynchronous File System Access API.
 *
 * createWritable() writes to a swap file that close() moves over the entry (the
 * File System Access spec: changes are not visible until the stream is closed), so
 * an entry is never torn. Where createWritable() is missing (Safari, which has only
 * sync access handles, in workers) the entry is written through a sync handle:
 * not atomic, but a torn entry fails its checksum and reads as a miss. OPFS has no
 * utimes, so across sessions entries are ordered by when they were written.
 */
import { MiB } from '../args.js';
import { cacheUnavailable, invalidArgValue } from '../errors.js';
import type { PageCache } from '../types.js';
import { nameArgument, maxBytesOption } from './options.js';
import { StoredCache, type EntryStore, type ListedEntry } from './stored.js';

export interface OpfsCacheOptions {
  /** Bytes of entries kept (default 256 MiB); the least recently used go first. */
  maxBytes?: number;
}

export const DEFAULT_OPFS_CACHE_BYTES = 256 * MiB;

/** The members of the File System Access API this store uses (lib.dom lacks some of them, entries() among them). */
interface Writable {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}
interface SyncHandle {
  truncate(size: number): void;
  write(bytes: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}
interface FileHandle {
  kind: 'file';
  getFile(): Promise<Blob & { lastModified: number }>;
  createWritable?(): Promise<Writable>;
  createSyncAccessHandle?(): Promise<SyncHandle>;
}
interface DirectoryHandle {
  kind: 'directory';
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle>;
  removeEntry(name: string): Promise<void>;
  entries(): AsyncIterable<[string, FileHandle | DirectoryHandle]>;
}
type StorageLike = { getDirectory?(): Promise<DirectoryHandle> };

const ENTRY = /^([0-9a-f]{16})\.pmc$/;
const isMissing = (error: unknown): boolean => (error as { name?: unknown })?.name === 'NotFoundError';

class OpfsStore implements EntryStore {
  private dir: Promise<DirectoryHandle> | undefined;

  constructor(
    private readonly storage: StorageLike & { getDirectory(): Promise<DirectoryHandle> },
    private readonly dirName: string,
  ) {}

  /** The subdirectory, created on first use; a failed attempt is tried again. */
  private directory(): Promise<DirectoryHandle> {
    if (this.dir === undefined) {
      const opening = this.storage.getDirectory().then((root) => root.getDirectoryHandle(this.dirName, { create: true }));
      opening.catch(() => {
        if (this.dir === opening) this.dir = undefined;
      });
      this.dir = opening;
    }
    return this.dir;
  }

  async list(): Promise<ListedEntry[]> {
    const listed: ListedEntry[] = [];
    for await (const [file, handle] of (await this.directory()).entries()) {
      const entry = ENTRY.exec(file);
      if (entry === null || handle.kind !== 'file') continue; // not ours: left alone
      const blob = await handle.getFile().catch(() => undefined);
      if (blob !== undefined) listed.push({ name: entry[1], byteLength: blob.size, usedAt: blob.lastModified });
    }
    return listed;
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      const handle = await (await this.directory()).getFileHandle(`${name}.pmc`);
      const file = await handle.getFile();
      // getFileHandle({ create }) makes the file empty before a write commits: not an entry yet, and not damaged
      return file.size === 0 ? undefined : new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    const handle = await (await this.directory()).getFileHandle(`${name}.pmc`, { create: true });
    if (typeof handle.createWritable === 'function') {
      const writable = await handle.createWritable();
      try {
        await writable.write(bytes);
      } catch (error) {
        await writable.abort?.().catch(() => undefined); // the swap file goes, the entry stays as it was
        throw error;
      }
      await writable.close();
      return;
    }
    const sync = await handle.createSyncAccessHandle!();
    try {
      sync.truncate(0);
      sync.write(bytes, { at: 0 });
      sync.flush();
    } finally {
      sync.close();
    }
  }

  async remove(name: string): Promise<void> {
    await (await this.directory()).removeEntry(`${name}.pmc`).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
  }
}

/**
 * A PageCache in the OPFS subdirectory `dirName` (created on first use), for this
 * origin's pages and workers.
 * @throws {MmapError} ERR_MMAP_BACKEND_UNAVAILABLE where `navigator.storage.getDirectory` is missing
 * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE (`dirName`), ERR_OUT_OF_RANGE (`maxBytes`)
 */
export function opfsCache(dirName: string, options?: OpfsCacheOptions): PageCache {
  const name = nameArgument('dirName', dirName);
  if (name.includes('/') || name === '.' || name === '..') throw invalidDirName(name);
  const maxBytes = maxBytesOption(options, DEFAULT_OPFS_CACHE_BYTES);
  const storage = (globalThis as unknown as { navigator?: { storage?: StorageLike } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') {
    throw cacheUnavailable('opfsCache', 'this runtime has no origin private file system (navigator.storage.getDirectory)');
  }
  return new StoredCache(new OpfsStore(storage as StorageLike & { getDirectory(): Promise<DirectoryHandle> }, name), maxBytes);
}

function invalidDirName(name: string): Error {
  return invalidArgValue('dirName', name, "must name one directory (no '/', not '.' or '..')");
}
