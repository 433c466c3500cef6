/**
 * Named shared memory: openShared() and unlinkShared(). Only real OS mappings can
 * be shared between processes, so both need the native backend; the wasm pager's
 * memory belongs to one map in one thread.
 */
import { checkSharedName, normalizeSharedOptions } from './args.js';
import { backendUnavailable } from './errors.js';
import { capabilities } from './open.js';
import { platform, type NativeBackend } from './platforms/registry.js';
import type { MemoryMap, SharedOptions } from './types.js';

/** The native backend, or ERR_MMAP_BACKEND_UNAVAILABLE saying why it cannot share here. */
function sharingBackend(): NativeBackend {
  const native = platform().native;
  const availability = capabilities().native();
  if (native === undefined || !availability.available) {
    throw backendUnavailable('native', `${availability.reason}; named shared memory needs OS mappings (wasm maps share nothing between processes or threads)`);
  }
  return native;
}

/**
 * Maps named shared memory that other processes (and threads) open by the same name:
 * POSIX `shm_open` + `mmap(MAP_SHARED)`, the object Python's
 * `multiprocessing.shared_memory.SharedMemory(name)` opens. The map is a
 * `'write'` map on the native backend; stores are seen by every process at once,
 * without `flush()`.
 *
 * `name` has no leading `/` (it is added, as Python does), no other `/`, no NUL, is
 * not `.`/`..`, and is at most 255 UTF-8 bytes on Linux (30 on macOS).
 * With `create: true`, `size` (≥ 1) is required and a new, zero-filled object of
 * exactly that size is made; an existing name is EEXIST. Without `create`, the name
 * must exist (ENOENT) and `size`, if given, maps only the first `size` bytes; more
 * than the object holds is ERR_OUT_OF_RANGE. `byteLength` is that size exactly.
 *
 * The name lives until `unlinkShared()` (or a reboot), also after every map is closed.
 * `resize()` changes the object's size for every process; a process that still maps
 * bytes past a new, smaller end gets SIGBUS when it touches them.
 *
 * ```ts
 * using shm = openShared('jobs', { size: 4096, create: true });
 * const v = shm.view();
 * Atomics.add(new Int32Array(v.buffer, v.byteOffset, 1), 0, 1);
 * ```
 * @throws {MmapError} EEXIST, ENOENT, ENAMETOOLONG, EACCES, ENOMEM, ERR_MMAP_BACKEND_UNAVAILABLE
 * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE (a name breaking a rule), ERR_OUT_OF_RANGE
 */
export function openShared(name: string, options?: SharedOptions): MemoryMap {
  const checked = checkSharedName(name);
  const opts = normalizeSharedOptions(options);
  return sharingBackend().openShared(checked, opts);
}

/**
 * Removes a shared memory name, as Python's `SharedMemory.unlink()`. Maps that are
 * open stay usable (the memory goes with the last of them); a later `openShared(name)`
 * is ENOENT, and `openShared(name, { create: true, … })` makes a new object.
 * @throws {MmapError} ENOENT (no such name), ENAMETOOLONG, EACCES, ERR_MMAP_BACKEND_UNAVAILABLE
 * @throws {TypeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE
 */
export function unlinkShared(name: string): void {
  const checked = checkSharedName(name);
  sharingBackend().unlinkShared(checked);
}
