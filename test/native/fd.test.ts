/**
 * File descriptors: a caller's descriptor is duplicated (close-on-exec) and never
 * closed by the map, and no failed open leaves a descriptor behind.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import type { MapOptions } from '../../src/types.js';
import { ensureAddon, openFdCount } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { pattern } from '../conformance/harness.js';

const files = tempFiles('native');
const native: MapOptions = { backend: 'native' };
beforeAll(ensureAddon);
afterAll(() => files.cleanup());

/** Open descriptor numbers, without the one that lists them. */
function openFds(): Set<string> {
  const fds = readdirSync('/proc/self/fd').filter((n) => {
    try {
      return !readlinkSync(`/proc/self/fd/${n}`).startsWith('/proc/');
    } catch {
      return false; // the listing's own descriptor, closed by now
    }
  });
  return new Set(fds);
}

describe('openMap(fd)', () => {
  it("leaves the caller's descriptor open and usable after close()", () => {
    const bytes = pattern(10_000);
    const path = files.file('caller.bin', bytes);
    for (const access of ['read', 'write', 'copy'] as const) {
      const fd = openSync(path, access === 'write' ? 'r+' : 'r');
      const before = openFdCount();
      const map = openMap(fd, { ...native, access });
      expect(map.read(0, 4)).toEqual(bytes.subarray(0, 4));
      map.close();
      expect(openFdCount()).toBe(before);
      const again = new Uint8Array(4);
      expect(readSync(fd, again, 0, 4, 100)).toBe(4);
      expect(again).toEqual(bytes.subarray(100, 104));
      expect(fstatSync(fd).size).toBe(10_000);
      closeSync(fd);
    }
  });

  it("keeps a close-on-exec duplicate for a 'write' map, so the caller's number may be reused", () => {
    const first = files.file('first.bin', pattern(8192));
    const second = files.file('second.bin', pattern(8192, 2));
    const fd = openSync(first, 'r+');
    const before = openFds();
    const map = openMap(fd, { ...native, access: 'write' });
    const added = [...openFds()].filter((n) => !before.has(n));
    expect(added).toHaveLength(1);
    const flags = /flags:\s+(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${added[0]}`, 'utf8'))![1];
    expect(parseInt(flags, 8) & 0o2000000).toBe(0o2000000); // O_CLOEXEC
    closeSync(fd);
    const reused = openSync(second, 'r+');
    expect(reused).toBe(fd); // the lowest free number
    map.resize(100);
    map.write('first', 0);
    map.close();
    expect(statSync(first).size).toBe(100);
    expect(readFileSync(first).toString('latin1', 0, 5)).toBe('first');
    expect(statSync(second).size).toBe(8192);
    expect(new Uint8Array(readFileSync(second))).toEqual(pattern(8192, 2));
    closeSync(reused);
    expect([...openFds()].filter((n) => !before.has(n))).toEqual([]); // the duplicate went with close()
  });

  it('refuses a descriptor opened without the access the map needs (EACCES), and never closes it on failure', () => {
    const path = files.file('modes.bin', pattern(100));
    const readOnly = openSync(path, 'r');
    const writeOnly = openSync(path, 'w');
    const before = openFdCount();
    expect(() => openMap(readOnly, { ...native, access: 'write' })).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(() => openMap(writeOnly, native)).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(() => openMap(readOnly, { ...native, length: 101 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(openFdCount()).toBe(before);
    expect(fstatSync(readOnly).isFile()).toBe(true);
    closeSync(readOnly);
    closeSync(writeOnly);
  });
});

describe('a failed open', () => {
  it('leaves no descriptor behind, whatever failed', () => {
    const path = files.file('failures.bin', pattern(4096));
    const empty = files.file('empty.bin', '');
    const fifo = files.file('fifo');
    execFileSync('mkfifo', [fifo]);
    const dir = files.file('');
    const dirFd = openSync(dir, 'r');
    const cases: Array<[string, () => unknown, string]> = [
      ['missing file', () => openMap(files.file('missing.bin'), native), 'ENOENT'],
      ['directory', () => openMap(dir, native), 'EISDIR'],
      ['directory for writing', () => openMap(dir, { ...native, access: 'write' }), 'EISDIR'],
      ['directory fd', () => openMap(dirFd, native), 'EISDIR'],
      ['fifo', () => openMap(fifo, native), 'ENODEV'],
      ['closed fd', () => openMap(999_999, native), 'EBADF'],
      ['length past the end', () => openMap(path, { ...native, length: 5000 }), 'ERR_OUT_OF_RANGE'],
      ['offset past the end', () => openMap(path, { ...native, offset: 5000 }), 'ERR_OUT_OF_RANGE'],
      ['grow on a read map', () => openMap(path, { ...native, length: 5000, grow: true }), 'ERR_MMAP_READ_ONLY'],
      ['length past the end of an empty file', () => openMap(empty, { ...native, length: 1 }), 'ERR_OUT_OF_RANGE'],
    ];
    for (const [what, open, code] of cases) {
      const before = openFdCount();
      let thrown: unknown;
      try {
        open();
      } catch (error) {
        thrown = error;
      }
      expect({ what, code: (thrown as { code?: string } | undefined)?.code }).toEqual({ what, code });
      expect({ what, fds: openFdCount() }).toEqual({ what, fds: before });
    }
    closeSync(dirFd);
    expect(statSync(path).size).toBe(4096);
  });

  it('reports EISDIR and ENOENT with path and syscall', () => {
    const dir = files.file('');
    const missing = files.file('nothing-here.bin');
    expect(() => openMap(dir, native)).toThrow(expect.objectContaining({ code: 'EISDIR', path: dir, syscall: 'open', errno: -21 }));
    expect(() => openMap(missing, native)).toThrow(
      expect.objectContaining({ code: 'ENOENT', path: missing, syscall: 'open', errno: -2, name: 'MmapError' }),
    );
  });

  it('a grown file is cut back when reserving the grown blocks fails', () => {
    // tmpfs takes a 1 PiB sparse size (ftruncate succeeds) but cannot reserve its blocks.
    const path = `/dev/shm/portable-mmap-grow-${process.pid}.bin`;
    writeFileSync(path, 'abc');
    try {
      const before = openFdCount();
      expect(() => openMap(path, { ...native, access: 'write', length: 2 ** 50, grow: true })).toThrow(
        expect.objectContaining({ code: 'ENOSPC', syscall: 'fallocate' }),
      );
      expect(statSync(path).size).toBe(3);
      expect(openFdCount()).toBe(before);
    } finally {
      rmSync(path, { force: true });
    }
  });
});

describe('successful opens', () => {
  it("keep no descriptor for 'read' and 'copy' maps, and one for 'write' until close()", () => {
    const path = files.file('held.bin', pattern(5000));
    for (const access of ['read', 'copy', 'write'] as const) {
      const before = openFdCount();
      const map = openMap(path, { ...native, access });
      expect({ access, held: openFdCount() - before }).toEqual({ access, held: access === 'write' ? 1 : 0 });
      map.close();
      expect(openFdCount()).toBe(before);
    }
    writeFileSync(path, '');
    const before = openFdCount();
    const empty = openMap(path, native);
    expect(empty.byteLength).toBe(0);
    empty.close();
    expect(openFdCount()).toBe(before);
  });
});
