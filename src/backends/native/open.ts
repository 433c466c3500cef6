/**
 * Opening on the native backend: a path, a descriptor or named shared memory
 * becomes a descriptor, its size a validated range, and the addon maps it
 * (NativeMap, map.ts, adapts the mapping). Every step cleans up after itself,
 * so no descriptor, and no shared memory name this call created, outlives a failure.
 */
import { resolveRange, sharedLength, type MapRange, type NormalizedOptions, type NormalizedSharedOptions } from '../../args.js';
import { backendUnavailable } from '../../errors.js';
import type { FileTarget, NativeBackend } from '../../platforms/registry.js';
import type { Access } from '../../types.js';
import { ACCESS_CODES, loadAddon, type Addon } from './addon.js';
import { callAddon, NativeMap } from './map.js';

/** Maps a descriptor from open()/openFd()/openShared(); the addon takes it in every case. */
function mapDescriptor(addon: Addon, fd: number, access: Access, range: MapRange, path: string | undefined): NativeMap {
  const handle = callAddon(path, () => addon.map(fd, ACCESS_CODES[access], range.offset, range.length, range.growTo ?? 0));
  try {
    return new NativeMap(addon, handle, access, range.length, path);
  } catch (error) {
    addon.close(handle);
    throw error;
  }
}

/** Opens a path or descriptor: open → fstat → resolveRange → map; no descriptor outlives a failure. */
function openFile(addon: Addon, target: FileTarget, options: NormalizedOptions): NativeMap {
  const access = ACCESS_CODES[options.access];
  const [fd, fileSize] = callAddon(target.path, () =>
    target.path !== undefined ? addon.open(target.path, access) : addon.openFd(target.fd ?? -1, access),
  );
  let range: MapRange;
  try {
    range = resolveRange(fileSize, options);
  } catch (error) {
    addon.closeFd(fd);
    throw error;
  }
  return mapDescriptor(addon, fd, options.access, range, target.path);
}

/**
 * Opens named shared memory: shm_open (+ ftruncate with create) → sharedLength → map,
 * always 'write' (MAP_SHARED). No descriptor outlives a failure, and neither does a
 * name this call created.
 */
function openShared(addon: Addon, name: string, options: NormalizedSharedOptions): NativeMap {
  const [fd, objectSize] = callAddon(name, () => addon.openShared(name, options.create, options.size ?? 0));
  let length: number;
  try {
    length = sharedLength(objectSize, options); // with create, size === objectSize: never throws
  } catch (error) {
    addon.closeFd(fd);
    throw error;
  }
  try {
    return mapDescriptor(addon, fd, 'write', { offset: 0, length, growTo: undefined }, name);
  } catch (error) {
    if (options.create) {
      try {
        addon.unlinkShared(name);
      } catch {
        // The mapping's failure is the error to report; the name is gone or was never ours.
      }
    }
    throw error;
  }
}

/** The addon, or ERR_MMAP_BACKEND_UNAVAILABLE with the reason it did not load. */
function requireAddon(): Addon {
  const { addon, reason } = loadAddon();
  if (addon === undefined) throw backendUnavailable('native', reason);
  return addon;
}

/**
 * The native backend as the Node platform registers it: available where the addon
 * loads, and `availability().reason` (what detectBackend() shows) says where the
 * addon came from or why it did not load.
 * @throws {MmapError} from openFile()/openShared(): ERR_MMAP_BACKEND_UNAVAILABLE, ENOENT, EEXIST, EISDIR, EACCES,
 *   ENAMETOOLONG, ENODEV, ENOMEM, …
 * @throws {RangeError} ERR_OUT_OF_RANGE: a range past the end of the file without grow, or a size past the
 *   end of a shared memory object
 */
export const nativeBackend: NativeBackend = {
  availability() {
    const { addon, reason } = loadAddon();
    return { available: addon !== undefined, reason };
  },
  openFile(target, options) {
    return openFile(requireAddon(), target, options);
  },
  openShared(name, options) {
    return openShared(requireAddon(), name, options);
  },
  unlinkShared(name) {
    const addon = requireAddon();
    callAddon(name, () => addon.unlinkShared(name));
  },
};
