/** A conformance fixture over temporary files, for any runtime with node:fs (Node, Bun, Deno). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture, Storage } from './harness.js';
import type { MapOptions, MemoryMap } from '../../src/types.js';

export type OpenMap = (target: string, options?: MapOptions) => MemoryMap;

export interface CleanFixture extends Fixture {
  /** Closes maps the case left open and deletes its files. */
  cleanup(): void;
}

/** `stableViews`: whether maps opened with `base` hand out views (false for a windowed pager). */
export function makeFileFixture(openMap: OpenMap, name: string, base: MapOptions, { stableViews }: { stableViews: boolean }): CleanFixture {
  let dir: string | undefined;
  let count = 0;
  const opened: MemoryMap[] = [];
  return {
    name,
    resizable: true,
    stableViews,
    storage(bytes: Uint8Array): Storage {
      dir ??= mkdtempSync(join(tmpdir(), 'portable-mmap-'));
      const path = join(dir, `storage-${count++}.bin`);
      writeFileSync(path, bytes);
      return {
        open(options?: MapOptions) {
          const map = openMap(path, { ...base, ...options });
          opened.push(map);
          return map;
        },
        contents: () => new Uint8Array(readFileSync(path)),
        path,
      };
    },
    cleanup() {
      for (const map of opened.splice(0)) map.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
