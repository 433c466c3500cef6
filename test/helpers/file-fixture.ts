/** A conformance fixture over temporary files, for runners that have node:fs. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMap } from '../../src/entries/node.js';
import type { Fixture, Storage } from '../conformance/harness.js';
import type { MapOptions, MemoryMap } from '../../src/types.js';

export interface FileFixture extends Fixture {
  /** Closes maps the case left open and deletes its files. */
  cleanup(): void;
}

export function fileFixture(name: string, base: MapOptions): FileFixture {
  let dir: string | undefined;
  let count = 0;
  const opened: MemoryMap[] = [];
  return {
    name,
    storage(bytes: Uint8Array): Storage {
      dir ??= mkdtempSync(join(tmpdir(), 'portable-mmap-'));
      const path = join(dir, `storage-${count++}.bin`);
      writeFileSync(path, bytes);
      return {
        resizable: true,
        open(options?: MapOptions) {
          const map = openMap(path, { ...base, ...options });
          opened.push(map);
          return map;
        },
        contents: () => new Uint8Array(readFileSync(path)),
      };
    },
    cleanup() {
      for (const map of opened.splice(0)) map.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
