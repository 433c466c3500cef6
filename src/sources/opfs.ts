/** An OPFS FileSystemSyncAccessHandle (dedicated workers) as a writable page source. */
import type { FileSystemSyncAccessHandleLike, PageSource } from '../types.js';

export function isSyncAccessHandle(value: object): value is FileSystemSyncAccessHandleLike {
  const h = value as Partial<FileSystemSyncAccessHandleLike>;
  return ['read', 'write', 'getSize', 'truncate', 'flush', 'close'].every(
    (name) => typeof (h as Record<string, unknown>)[name] === 'function',
  );
}

/** The handle stays the caller's: close() does not close it; flush() persists through handle.flush(). */
export function opfsSource(handle: FileSystemSyncAccessHandleLike): PageSource {
  return {
    get size() {
      return handle.getSize();
    },
    read: (into, position) => handle.read(into, { at: position }),
    write: (from, position) => handle.write(from, { at: position }),
    truncate: (size) => handle.truncate(size),
    sync: () => handle.flush(),
  };
}
