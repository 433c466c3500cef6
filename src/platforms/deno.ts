/**
 * Deno: the wasm pager over node:fs files (positional readSync/writeSync are
 * pread/pwrite there too). Deno's permission API is asked before anything is
 * touched, so nothing ever prompts: a missing --allow-read/--allow-write is an
 * MmapError EACCES naming the permission. The native addon is used only where
 * --allow-ffi is granted (loading it needs --allow-read of the package as well).
 */
import '../backends/wasm/embedded.js';
import { nativeBackend } from '../backends/native/open.js';
import { wasmBackend } from '../backends/wasm/index.js';
import { permissionDenied } from '../errors.js';
import { registerPlatform, type CacheFiles, type FileSources, type FileTarget, type NativeBackend } from './registry.js';
import { fileSources } from '../sources/file.js';
import { fileStores } from '../caches/file-store.js';
import type { Access } from '../types.js';

type PermissionName = 'read' | 'write' | 'ffi';
interface DenoGlobal {
  permissions: { querySync(descriptor: { name: PermissionName; path?: string }): { state: string } };
}

const deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;

function granted(name: PermissionName, path?: string): boolean {
  return deno.permissions.querySync(path === undefined ? { name } : { name, path }).state === 'granted';
}

/** Throws EACCES (with `permission`) unless Deno already grants what opening `target` needs. */
function checkFilePermissions(target: FileTarget, access: Access): void {
  const path = target.path;
  if (path === undefined) return; // a descriptor the caller already opened
  if (!granted('read', path)) throw permissionDenied('read', `Deno needs --allow-read to map ${path}`, path);
  if (access === 'write' && !granted('write', path)) {
    throw permissionDenied('write', `Deno needs --allow-write to map ${path} with access 'write'`, path);
  }
}

const denoFiles: FileSources = {
  open(target, access) {
    checkFilePermissions(target, access);
    return fileSources.open(target, access);
  },
};

/** A cache directory is read and written: both permissions, asked before anything is touched. */
const denoCacheFiles: CacheFiles = {
  open(dir) {
    for (const name of ['read', 'write'] as const) {
      if (!granted(name, dir)) throw permissionDenied(name, `Deno needs --allow-${name} for the cache directory ${dir}`, dir);
    }
    return fileStores.open(dir);
  },
};

const denoNative: NativeBackend = {
  availability() {
    if (!granted('ffi')) return { available: false, reason: 'Deno: native addons need --allow-ffi' };
    return nativeBackend.availability();
  },
  openFile(target, options) {
    checkFilePermissions(target, options.access);
    return nativeBackend.openFile(target, options);
  },
  // Named shared memory goes through the addon alone (shm_open), which --allow-ffi already covers.
  openShared: (name, options) => nativeBackend.openShared(name, options),
  unlinkShared: (name) => nativeBackend.unlinkShared(name),
};

registerPlatform({ native: denoNative, wasm: wasmBackend, files: denoFiles, cacheFiles: denoCacheFiles });
