/**
 * Finds the Node-API addon (a build in native-backend/build/, else a prebuild in
 * native-backend/prebuilds/), loads it once, and remembers the module or why it
 * could not load. No static `node:` imports: bundles for browsers and edge
 * runtimes may reach this file and must not fail on it.
 */
import { builtin } from '../../runtime.js';

/** An opaque addon value: a map's handle or a stream's lease. */
export type AddonHandle = { readonly __brand: 'portable-mmap handle' };
export type AddonLease = { readonly __brand: 'portable-mmap lease' };

/** Access modes as the addon numbers them. */
export const ACCESS_CODES = { read: 0, write: 1, copy: 2 } as const;
/** Advice as the addon numbers it. */
export const ADVICE_CODES = { normal: 0, random: 1, sequential: 2, willneed: 3, dontneed: 4 } as const;

/**
 * The addon's exports (native-backend/src/addon.c). Offsets and lengths are
 * bytes from the start of the map; the addon re-checks every bound that guards
 * memory and throws Errors with Node's fields (code, errno, syscall, path).
 */
export interface Addon {
  readonly pageSize: number;
  readonly allocationGranularity: number;
  /** Why this process cannot use the addon (e.g. napi_no_external_buffers_allowed), if it cannot. */
  readonly unavailable: string | undefined;
  /** Opens a path for the access mode: [fd, fileSize]. */
  open(path: string, access: number): [number, number];
  /** Duplicates a caller's descriptor (close-on-exec): [fd, fileSize]. */
  openFd(fd: number, access: number): [number, number];
  closeFd(fd: number): void;
  /**
   * Opens named shared memory (`name` without the leading '/') read-write: with `create`
   * a new object of `size` bytes, else an existing one: [fd, objectSize].
   */
  openShared(name: string, create: boolean, size: number): [number, number];
  /** Removes a shared memory name. */
  unlinkShared(name: string): void;
  /** Maps a descriptor from open()/openFd(); takes it in every case. `growTo` 0 means no growth. */
  map(fd: number, access: number, offset: number, length: number, growTo: number): AddonHandle;
  /** An external ArrayBuffer over [offset, offset + length); detached by close() and resize(). */
  buffer(handle: AddonHandle, offset: number, length: number): ArrayBuffer;
  copyOut(handle: AddonHandle, offset: number, target: Uint8Array): void;
  copyIn(handle: AddonHandle, offset: number, source: Uint8Array): void;
  /** copyOut, then the index of each '\n' in target written to ends; returns how many. */
  copyLines(handle: AddonHandle, offset: number, target: Uint8Array, ends: Int32Array): number;
  fill(handle: AddonHandle, value: number, offset: number, length: number): void;
  move(handle: AddonHandle, dest: number, src: number, count: number): void;
  find(handle: AddonHandle, needle: Uint8Array, start: number, end: number): number;
  rfind(handle: AddonHandle, needle: Uint8Array, start: number, end: number): number;
  flush(handle: AddonHandle, offset: number, length: number): void;
  flushAsync(handle: AddonHandle, offset: number, length: number): Promise<void>;
  resize(handle: AddonHandle, newLength: number): void;
  advise(handle: AddonHandle, advice: number, offset: number, length: number): void;
  residency(handle: AddonHandle): number;
  lease(handle: AddonHandle): AddonLease;
  leaseCopy(lease: AddonLease, offset: number, target: Uint8Array): number;
  leaseRelease(lease: AddonLease): void;
  close(handle: AddonHandle): void;
  /**
   * A 4-byte buffer over the current region's truncation word (non-zero once the
   * SIGBUS guard caught a touch past the file's end, or a flush found the file
   * shorter); undefined for a zero-length map. Detached by close() and resize().
   */
  truncationFlag(handle: AddonHandle): ArrayBuffer | undefined;
  /** Faults the SIGBUS guard caught in this process, in any map (for tests). */
  guardCaught(): number;
}

export interface AddonLoad {
  addon?: Addon;
  /** Where the addon came from, or why it did not load: detectBackend().reason shows this. */
  reason: string;
}

interface NodeModule {
  createRequire(from: string): (id: string) => unknown;
}
interface NodeGypBuild {
  path(dir: string): string;
}
interface NodePath {
  sep: string;
}
interface NodeUrl {
  fileURLToPath(url: string | URL): string;
}

let loaded: AddonLoad | undefined;

/** The addon, loaded on first call; later calls return the same module or the same reason. */
export function loadAddon(): AddonLoad {
  loaded ??= tryLoad();
  return loaded;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

function tryLoad(): AddonLoad {
  const module = builtin<NodeModule>('node:module');
  const url = builtin<NodeUrl>('node:url');
  const path = builtin<NodePath>('node:path');
  if (!module || !url || !path) return { reason: 'this runtime has no node:module to load a Node-API addon with' };
  try {
    const require = module.createRequire(import.meta.url);
    const dir = url.fileURLToPath(new URL('../../../native-backend/', import.meta.url));
    const file = (require('node-gyp-build') as NodeGypBuild).path(dir);
    const addon = require(file) as Addon;
    if (addon.unavailable) return { reason: `the Node-API addon cannot be used here: ${addon.unavailable}` };
    const prebuild = file.split(path.sep).includes('prebuilds');
    const origin = prebuild ? `prebuild ${file.split(path.sep).at(-2)}` : 'built from source';
    return { addon, reason: `Node-API addon loaded (${origin})` };
  } catch (error) {
    return { reason: `the Node-API addon did not load: ${message(error)}` };
  }
}
