/**
 * An EntryStore in a directory, through node:fs (Node, Bun and Deno; the platforms
 * that have it register this as `cacheFiles`). node:fs comes from
 * process.getBuiltinModule, so a bundle that reaches this file never imports it.
 *
 * Entries are `<name>.pmc`. A write goes to `<name>.<random>.tmp` in the same
 * directory and is renamed over the entry (rename(2) replaces atomically within a
 * file system), so a reader never sees a torn entry and concurrent writers of one
 * key each land whole, the last one winning. Nothing is fsynced: after a power
 * loss an entry may be empty or short, and the entry checksum turns that into a miss.
 */
import { cacheUnavailable } from '../errors.js';
import { builtin } from '../runtime.js';
import type { EntryStore, ListedEntry } from './stored.js';

interface Stat {
  size: number;
  mtimeMs: number;
  isFile(): boolean;
}

/** The members of node:fs/promises this store uses. */
interface FsPromises {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<Stat>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
}

const ENTRY = /^([0-9a-f]{16})\.pmc$/;
const TEMP = /^[0-9a-f]{16}\.[0-9a-z]+\.tmp$/;
/** A temp file older than this is a crashed write's (a live write renames within milliseconds). */
export const STALE_TEMP_MS = 60_000;

const isMissing = (error: unknown): boolean => (error as { code?: unknown })?.code === 'ENOENT';

function fsPromises(): FsPromises {
  const fs = builtin<{ promises?: FsPromises }>('node:fs');
  if (!fs?.promises) throw cacheUnavailable('fileCache', 'it needs node:fs, which this runtime does not have');
  return fs.promises;
}

class FileStore implements EntryStore {
  constructor(
    private readonly fs: FsPromises,
    private readonly dir: string,
  ) {}

  private path(file: string): string {
    return `${this.dir}/${file}`; // node:fs takes '/' on Windows too
  }

  async list(): Promise<ListedEntry[]> {
    await this.fs.mkdir(this.dir, { recursive: true });
    const listed: ListedEntry[] = [];
    const now = Date.now();
    for (const file of await this.fs.readdir(this.dir)) {
      const entry = ENTRY.exec(file);
      if (entry === null && !TEMP.test(file)) continue; // not ours: left alone
      const stat = await this.fs.stat(this.path(file)).catch(() => undefined);
      if (stat === undefined || !stat.isFile()) continue;
      if (entry !== null) listed.push({ name: entry[1], byteLength: stat.size, usedAt: stat.mtimeMs });
      else if (now - stat.mtimeMs > STALE_TEMP_MS) await this.fs.unlink(this.path(file)).catch(() => undefined);
    }
    return listed;
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      return await this.fs.readFile(this.path(`${name}.pmc`));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    const temp = this.path(`${name}.${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}.tmp`);
    try {
      await this.fs.writeFile(temp, bytes);
      await this.fs.rename(temp, this.path(`${name}.pmc`));
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    await this.fs.unlink(this.path(`${name}.pmc`)).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
  }

  /** The mtime orders entries when the index is rebuilt (atime is often not kept: noatime, relatime). */
  async touch(name: string): Promise<void> {
    const now = new Date();
    await this.fs.utimes(this.path(`${name}.pmc`), now, now);
  }
}

/** What the Node, Bun and Deno platforms register as `cacheFiles`. */
export const fileStores = {
  open(dir: string): EntryStore {
    return new FileStore(fsPromises(), dir.replace(/[\\/]+$/, '') || dir);
  },
};
