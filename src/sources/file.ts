/**
 * Files as page sources, through node:fs positional reads and writes
 * (readSync/writeSync with a position are pread/pwrite in Node, Bun and Deno).
 * node:fs comes from process.getBuiltinModule, so a browser bundle that reaches
 * this file never imports it.
 */
import { backendUnavailable, fromFsError, fromSystem } from '../errors.js';
import type { FileSources, FileTarget } from '../platforms/registry.js';
import { builtin } from '../runtime.js';
import type { Access, PageSource } from '../types.js';

/** The members of node:fs this source uses. */
interface NodeFs {
  openSync(path: string, flags: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): {
    size: number; dev: number; ino: number; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean;
  };
  /** Absent where the runtime's node:fs lacks it (then pseudo file systems are not told apart). */
  statfsSync?(path: string): { type: number };
  fstatSync(fd: number, options: { bigint: true }): { size: bigint; ctimeNs?: bigint; ctimeMs: bigint };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, length: number): void;
  fdatasyncSync(fd: number): void;
  constants: { O_RDONLY: number; O_RDWR: number; O_NONBLOCK?: number };
}

const EMPTY = new Uint8Array(0);
/** Reads of a range whose file kept changing under them; the last one is kept (clipped to the size). */
const READ_ATTEMPTS = 4;
const PROBE = new Uint8Array(1);
const BIGINT = { bigint: true } as const;
// Linux errno values, negated as Node reports them.
const EISDIR = -21;
const EACCES = -13;
const ENODEV = -19;

/** 4 KiB: the smallest page of the platforms we run (a larger page's end is a multiple of it). */
const PAGE_GRAIN = 4096;

/**
 * What changes when the file does: its ctime and its size (the size as well, for
 * kernels that keep ctime at a coarse tick and file systems without fine stamps).
 */
function changeStamp(stat: { size: bigint; ctimeNs?: bigint; ctimeMs: bigint }): string {
  return `${stat.ctimeNs ?? stat.ctimeMs}:${stat.size}`;
}

/** Whether `count` bytes read at `position` end in a zero, or hold one just before a 4 KiB boundary of the file. */
export function mayHoldCutZeros(into: Uint8Array, count: number, position: number): boolean {
  if (into[count - 1] === 0) return true;
  const end = position + count;
  for (let boundary = (Math.floor(position / PAGE_GRAIN) + 1) * PAGE_GRAIN; boundary < end; boundary += PAGE_GRAIN) {
    if (into[boundary - position - 1] === 0) return true;
  }
  return false;
}

function nodeFs(): NodeFs {
  const fs = builtin<NodeFs>('node:fs');
  if (!fs) throw backendUnavailable('wasm', 'files need node:fs, which this runtime does not have; pass a Uint8Array or a PageSource');
  return fs;
}

/** Runs an fs call, turning its failure into an MmapError naming `path`. */
function attempt<T>(path: string | undefined, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromFsError(error, path);
  }
}

/** A file open on `fd`; closes it only if `owned` (the caller's descriptors stay the caller's). */
class FileSource implements PageSource {
  /** The file's ctime when last looked at, before the next read starts (see read()). */
  private stamp: string;

  constructor(
    private readonly fs: NodeFs,
    private readonly fd: number,
    private readonly owned: boolean,
    private readonly path: string | undefined,
  ) {
    const stat = attempt(path, () => fs.fstatSync(fd, BIGINT));
    this.stamp = changeStamp(stat);
  }

  get size(): number {
    return attempt(this.path, () => this.fs.fstatSync(this.fd).size);
  }

  // read() and write() are the fault and write-back path: no closure per call

  /**
   * A positional read, checked against the file when it may have met a cut:
   * Linux's pread may return a full count of zeros for bytes that a truncate
   * cut from under it (the page cache past a new end reads as zeros) and a
   * write then grew back. Such zeros run to the end of a page or of the read
   * (the page cache zeroes a page's tail past a new end, and pages wholly past
   * it), so a read whose last byte and whose bytes before each 4 KiB boundary
   * are all non-zero is taken as it is, at no cost. What that leaves: a regrowing
   * write that overtakes the read inside one 4 KiB page, and file systems that do
   * not read through the local page cache (NFS, FUSE direct_io), where zeros may
   * fall anywhere; neither was seen here (docs/ARCHITECTURE.md). Any other read is
   * followed by an fstat: bytes past the size then are not counted (the map
   * reads on, or notices the truncation), and a read during which the ctime
   * moved since the last look is made again.
   */
  read(into: Uint8Array, position: number): number {
    try {
      for (let attempt = 1; ; attempt++) {
        const count = this.fs.readSync(this.fd, into, 0, into.length, position);
        if (count <= 0 || !mayHoldCutZeros(into, count, position)) return count;
        const stat = this.fs.fstatSync(this.fd, BIGINT);
        const stamp = changeStamp(stat);
        const changed = stamp !== this.stamp;
        this.stamp = stamp;
        if (!changed || attempt === READ_ATTEMPTS) return Math.max(0, Math.min(count, Number(stat.size) - position));
      }
    } catch (error) {
      throw fromFsError(error, this.path);
    }
  }

  write(from: Uint8Array, position: number): number {
    try {
      return this.fs.writeSync(this.fd, from, 0, from.length, position);
    } catch (error) {
      throw fromFsError(error, this.path);
    }
  }

  truncate(size: number): void {
    attempt(this.path, () => this.fs.ftruncateSync(this.fd, size));
  }

  sync(): void {
    attempt(this.path, () => this.fs.fdatasyncSync(this.fd));
  }

  close(): void {
    if (this.owned) attempt(this.path, () => this.fs.closeSync(this.fd));
  }
}

/**
 * The f_type of kernel pseudo file systems (linux/magic.h): procfs, sysfs, debugfs, tracefs,
 * securityfs, configfs, cgroup v1 and v2, bpf, efivarfs. Their files are generated on read;
 * the native backend refuses them (native-backend/src/filesystem_posix.c), and so does this one.
 */
const PSEUDO_FILE_SYSTEMS = new Set([0x9fa0, 0x62656572, 0x64626720, 0x74726163, 0x73636673, 0x62656570, 0x27e0eb, 0x63677270, 0xcafe4a11, 0xde5e81e4]);

/** Whether the file open as `fd` (at `path`, if known) lies on a pseudo file system; false where that cannot be told. */
function onPseudoFileSystem(fs: NodeFs, fd: number, path: string | undefined): boolean {
  if (typeof fs.statfsSync !== 'function') return false;
  try {
    // a descriptor has no path of its own; Linux names it under /proc/self/fd
    return PSEUDO_FILE_SYSTEMS.has(fs.statfsSync(path ?? `/proc/self/fd/${fd}`).type);
  } catch {
    return false;
  }
}

/**
 * EISDIR for a directory, as opening one for writing would report; ENODEV for what mmap(2)
 * cannot page in by position (pipes, sockets, character devices) or what the native backend
 * refuses (files of kernel pseudo file systems, such as /proc and /sys).
 */
function checkMappable(fs: NodeFs, fd: number, path: string | undefined): { dev: number; ino: number } {
  const stat = attempt(path, () => fs.fstatSync(fd));
  if (stat.isDirectory()) {
    throw fromSystem({ code: 'EISDIR', errno: EISDIR, syscall: 'open', path, message: 'illegal operation on a directory' });
  }
  if (stat.isFIFO() || stat.isSocket() || stat.isCharacterDevice()) {
    throw fromSystem({ code: 'ENODEV', errno: ENODEV, syscall: 'mmap', path, message: 'no such device: pipes, sockets and character devices cannot be mapped' });
  }
  if (onPseudoFileSystem(fs, fd, path)) {
    throw fromSystem({ code: 'ENODEV', errno: ENODEV, syscall: 'mmap', path, message: 'no such device: files of /proc, /sys and other kernel file systems cannot be mapped' });
  }
  return stat;
}

/**
 * Refuses a descriptor not open for what `access` needs, as mmap(2) would
 * (EACCES): probed with a zero-length pwrite, or a one-byte pread far past the end.
 */
function checkDescriptorMode(fs: NodeFs, fd: number, access: Access): void {
  try {
    if (access === 'write') fs.writeSync(fd, EMPTY, 0, 0, 0);
    fs.readSync(fd, PROBE, 0, 1, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EBADF') throw fromFsError(error);
    const needs = access === 'write' ? 'reading and writing' : 'reading';
    throw fromSystem({ code: 'EACCES', errno: EACCES, syscall: 'open', message: `file descriptor ${fd} is not open for ${needs}` });
  }
}

function openPath(fs: NodeFs, path: string, flags: number): PageSource {
  const fd = attempt(path, () => fs.openSync(path, flags));
  try {
    checkMappable(fs, fd, path);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return new FileSource(fs, fd, true, path);
}

/**
 * A caller's descriptor: reopened through /dev/fd/N where that names the same
 * file, so the caller closing (or reusing) its fd cannot break the map; else
 * the descriptor itself, never closed by the map.
 */
function openDescriptor(fs: NodeFs, fd: number, access: Access, flags: number): PageSource {
  const stat = checkMappable(fs, fd, undefined);
  checkDescriptorMode(fs, fd, access);
  let own: number;
  try {
    own = fs.openSync(`/dev/fd/${fd}`, flags);
  } catch {
    return new FileSource(fs, fd, false, undefined);
  }
  const reopened = fs.fstatSync(own);
  if (reopened.dev === stat.dev && reopened.ino === stat.ino) return new FileSource(fs, own, true, undefined);
  fs.closeSync(own);
  return new FileSource(fs, fd, false, undefined);
}

/**
 * Opens a path or a descriptor as a page source.
 * @throws {MmapError} ENOENT, EISDIR, EACCES, ENODEV, EBADF, ERR_MMAP_BACKEND_UNAVAILABLE (no node:fs)
 */
export const fileSources: FileSources = {
  open(target: FileTarget, access: Access): PageSource {
    const fs = nodeFs();
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused with ENODEV); regular files ignore it
    const flags = (access === 'write' ? fs.constants.O_RDWR : fs.constants.O_RDONLY) | (fs.constants.O_NONBLOCK ?? 0);
    if (target.path !== undefined) return openPath(fs, target.path, flags);
    return openDescriptor(fs, target.fd!, access, flags);
  },
};
