/** Fixtures that exist only in a browser's dedicated worker: OPFS sync access handles and Blobs. */
import { cursorCases } from '../conformance/cases/cursor.js';
import { readCases } from '../conformance/cases/read.js';
import { searchCases } from '../conformance/cases/search.js';
import type { Case, Fixture, Storage } from '../conformance/harness.js';
import type { FileSystemSyncAccessHandleLike, MapOptions, MemoryMap } from '../../src/types.js';

type OpenMap = (target: FileSystemSyncAccessHandleLike | Blob, options?: MapOptions) => MemoryMap;

/** The most storages one conformance case creates is 3; handles are recycled after each case. */
const HANDLES = 8;

/** `stableViews`: whether maps opened with `base` hand out views (false for a windowed pager). */
export async function opfsFixture(openMap: OpenMap, name: string, base: MapOptions, { stableViews }: { stableViews: boolean }): Promise<Fixture & { cleanup(): void }> {
  const root = await navigator.storage.getDirectory();
  const handles: FileSystemSyncAccessHandleLike[] = [];
  for (let i = 0; i < HANDLES; i++) {
    const file = await root.getFileHandle(`portable-mmap-${name.replace(/\W+/g, '-')}-${i}.bin`, { create: true });
    handles.push(await (file as unknown as { createSyncAccessHandle(): Promise<FileSystemSyncAccessHandleLike> }).createSyncAccessHandle());
  }
  let used = 0;
  const opened: MemoryMap[] = [];
  return {
    name,
    resizable: true,
    stableViews,
    storage(bytes: Uint8Array): Storage {
      if (used === HANDLES) throw new Error(`a case used more than ${HANDLES} storages`);
      const handle = handles[used++];
      handle.truncate(0);
      handle.write(bytes, { at: 0 });
      handle.flush();
      return {
        open(options?: MapOptions) {
          const map = openMap(handle, { ...base, ...options });
          opened.push(map);
          return map;
        },
        contents() {
          const out = new Uint8Array(handle.getSize());
          handle.read(out, { at: 0 });
          return out;
        },
      };
    },
    cleanup() {
      for (const map of opened.splice(0)) map.close();
      used = 0;
    },
  };
}

/** Blobs are read-only: this fixture runs the cases that only read. */
export function blobFixture(openMap: OpenMap): Fixture & { cleanup(): void } {
  const opened: MemoryMap[] = [];
  return {
    name: 'Blob (FileReaderSync), wasm',
    resizable: false,
    stableViews: true,
    storage(bytes: Uint8Array): Storage {
      const blob = new Blob([bytes.slice()]);
      return {
        open(options?: MapOptions) {
          const map = openMap(blob, options);
          opened.push(map);
          return map;
        },
        contents: () => bytes.slice(),
      };
    },
    cleanup() {
      for (const map of opened.splice(0)) map.close();
    },
  };
}

/** The cases a read-only source can run, and one that proves it refuses to be written. */
export function blobCases(): Case[] {
  const readOnly: Case = {
    name: "a Blob maps for 'read' and 'copy'; 'write' is ERR_MMAP_READ_ONLY",
    run(f, t) {
      const storage = f.storage(new Uint8Array([1, 2, 3]));
      t.throwsCode(() => storage.open({ access: 'write' }), 'ERR_MMAP_READ_ONLY');
      using copy = storage.open({ access: 'copy' });
      t.equal(copy.stableViews, f.stableViews, 'view stability, as the fixture declares it');
      copy.write(new Uint8Array([9]), 0);
      t.equal(copy.read(0), new Uint8Array([9, 2, 3]));
      t.equal(storage.contents(), new Uint8Array([1, 2, 3]));
    },
  };
  return [
    ...readCases.filter((c) => !c.name.startsWith('view()')),
    ...searchCases.filter((c) => !c.name.includes('written')),
    ...cursorCases.filter((c) => /^(cursor reads|readLine|lines)/.test(c.name)),
    readOnly,
  ];
}
