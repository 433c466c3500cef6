/** A temporary directory for one test file: make it at the top of the file, `cleanup()` in afterAll. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFiles {
  /** The directory itself. */
  readonly dir: string;
  /** The path of `name` in the directory, written with `bytes` when they are given. */
  file(name: string, bytes?: Uint8Array | string): string;
  /** Deletes the directory and everything in it. */
  cleanup(): void;
}

/** `label` names the directory (portable-mmap-<label>-XXXXXX), so a leftover says which test made it. */
export function tempFiles(label = 'test'): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), `portable-mmap-${label}-`));
  return {
    dir,
    file(name, bytes) {
      const path = join(dir, name);
      if (bytes !== undefined) writeFileSync(path, bytes);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
