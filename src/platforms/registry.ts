/**
 * The pieces of the library an entry point can provide in its runtime. The Node
 * entry registers the native addon and the node:fs file source; browser and edge
 * entries register only the wasm pager. Shared code asks here instead of
 * branching on the runtime's name.
 */
import type { NormalizedOptions, NormalizedSharedOptions } from '../args.js';
import type { Access, AsyncMemoryMap, AsyncPageSource, MemoryMap, PageSource, RuntimeName } from '../types.js';
import type { EntryStore } from '../caches/stored.js';
import { DEFAULT_MAX_RESIDENT } from '../args.js';
import { runtimeName } from '../runtime.js';

/** A backend that can or cannot load here, and why (the text detectBackend() reports). */
export interface Availability {
  available: boolean;
  reason: string;
}

/** A file named by path or by an open descriptor (which the map never closes). */
export interface FileTarget {
  path?: string;
  fd?: number;
}

export interface NativeBackend {
  availability(): Availability;
  openFile(target: FileTarget, options: NormalizedOptions): MemoryMap;
  /** Maps named shared memory read-write; `name` is validated and has no leading '/'. */
  openShared(name: string, options: NormalizedSharedOptions): MemoryMap;
  unlinkShared(name: string): void;
}

export interface WasmBackend {
  availability(): Availability;
  /**
   * Maps `source`. Once this returns, the map owns the source and calls its close()
   * exactly once, when the map (and any stream leasing it) is done; if this throws,
   * the caller still owns it.
   */
  open(source: PageSource, options: NormalizedOptions): MemoryMap;
  /**
   * The same for an asynchronous source (openMapAsync); `signal` fails the map's later
   * calls once it aborts; `readsIntoFrames` says the source never writes into a read's
   * buffer after the read settled or the source closed, so reads may target the frames.
   */
  openAsync(source: AsyncPageSource, options: NormalizedOptions & { signal?: AbortSignal; readsIntoFrames?: boolean }): Promise<AsyncMemoryMap>;
}

/** Opens files as page sources (node:fs positional reads and writes). */
export interface FileSources {
  open(target: FileTarget, access: Access): PageSource;
}

/** Directories of cache entries for fileCache() (node:fs where the runtime has it). */
export interface CacheFiles {
  open(dir: string): EntryStore;
}

export interface Platform {
  runtime: RuntimeName;
  defaultMaxResident: number;
  native?: NativeBackend;
  wasm?: WasmBackend;
  files?: FileSources;
  cacheFiles?: CacheFiles;
}

let current: Platform = { runtime: runtimeName(), defaultMaxResident: DEFAULT_MAX_RESIDENT };

/** Called by entry points at import time. */
export function registerPlatform(parts: Partial<Platform>): void {
  current = { ...current, ...parts };
}

export function platform(): Platform {
  return current;
}
