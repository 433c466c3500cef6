// A dedicated worker: OPFS's synchronous access handle is a writable page source, so a
// map of it behaves like a map of a file; flush() persists through handle.flush().
import { detectBackend, openMap, type FileSystemSyncAccessHandleLike } from 'portable-mmap';

const root = await navigator.storage.getDirectory();
const file = await root.getFileHandle('notes.txt', { create: true });
// FileSystemSyncAccessHandle is in TypeScript's webworker lib, not its DOM lib.
const handle = await (file as unknown as { createSyncAccessHandle(): Promise<FileSystemSyncAccessHandleLike> }).createSyncAccessHandle();
try {
  handle.truncate(0);
  handle.write(new TextEncoder().encode('first note\nsecond note\n'), { at: 0 });
  {
    using map = openMap(handle, { access: 'write', length: 64, grow: true });
    map.write('FIRST', 0);
    map.flush();
  }
  using map = openMap(handle);
  const firstLine = new TextDecoder().decode(map.cursor().readLine()).trim();
  postMessage(`${detectBackend().backend}: ${firstLine} (${map.byteLength} bytes, 'note' at ${map.find('note')})`);
} finally {
  handle.close();
}
