/**
 * openShared()/unlinkShared() in one process: what a name reaches (/dev/shm/<name>,
 * as Python's SharedMemory), sizes, the codes of every refusal, every MemoryMap
 * member on a shared map, and no descriptor or name left behind by any failure.
 */
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { openShared, unlinkShared } from '../../src/entries/node.js';
import { ensureAddon, ensureBuilt, lastJson, openFdCount, runChild, thrownCode } from '../helpers/native-build.js';
import { sharedNames, shmExists, shmPath } from '../helpers/shared-names.js';
import { pattern } from '../conformance/harness.js';

const names = sharedNames('open');
beforeAll(ensureAddon);
afterEach(() => names.cleanup());

describe('openShared(name, { create: true, size })', () => {
  it('makes /dev/shm/<name> of exactly size bytes, zero-filled, mode 0600, as a native write map', () => {
    const name = names.next();
    using map = openShared(name, { size: 1000, create: true });
    expect(statSync(shmPath(name)).size).toBe(1000);
    expect(statSync(shmPath(name)).mode & 0o777).toBe(0o600);
    expect([map.backend, map.access, map.byteLength, map.stableViews, map.closed]).toEqual(['native', 'write', 1000, true, false]);
    expect(map.read(0)).toEqual(new Uint8Array(1000));
    map.write('seen by the file', 990 - 16);
    expect(readFileSync(shmPath(name)).toString('latin1', 974, 990)).toBe('seen by the file');
  });

  it('refuses a name that exists (EEXIST) and leaves that object as it was', () => {
    const name = names.next();
    using first = openShared(name, { size: 64, create: true });
    first.write('keep', 0);
    const error = (() => {
      try {
        openShared(name, { size: 4096, create: true });
      } catch (e) {
        return e as { code: string; syscall: string; path: string };
      }
    })();
    expect(error).toMatchObject({ code: 'EEXIST', syscall: 'shm_open', path: name, name: 'MmapError' });
    expect(statSync(shmPath(name)).size).toBe(64);
    expect(first.read(0, 4)).toEqual(new TextEncoder().encode('keep'));
  });

  it('needs a size of at least 1 (ERR_INVALID_ARG_TYPE when missing, ERR_OUT_OF_RANGE when not a positive safe integer)', () => {
    const name = names.next();
    expect(thrownCode(() => openShared(name, { create: true }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownCode(() => openShared(name, { create: true, size: '10' as never }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownCode(() => openShared(name, { create: true, size: 10n as never }))).toBe('ERR_INVALID_ARG_TYPE');
    for (const size of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
      expect([size, thrownCode(() => openShared(name, { create: true, size }))]).toEqual([size, 'ERR_OUT_OF_RANGE']);
    }
    expect(shmExists(name)).toBe(false);
  });

  it('removes the name again when the object cannot be had (ENOSPC: its space is reserved at create), and leaks no descriptor', () => {
    const name = names.next();
    const before = openFdCount();
    const error = (() => {
      try {
        openShared(name, { create: true, size: 2 ** 50 }); // 1 PiB: ftruncate succeeds on tmpfs, reserving the blocks cannot
      } catch (e) {
        return e as { code: string; syscall: string };
      }
    })();
    expect(error).toMatchObject({ code: 'ENOSPC', syscall: 'fallocate' });
    expect(shmExists(name)).toBe(false);
    expect(openFdCount()).toBe(before);
  });
});

describe('openShared(name) of an existing name', () => {
  it('maps the whole object, whatever created it; byteLength is its size', () => {
    const name = names.next();
    using created = openShared(name, { size: 5000, create: true });
    created.write(pattern(5000), 0);
    using opened = openShared(name);
    expect([opened.byteLength, opened.access, opened.backend]).toEqual([5000, 'write', 'native']);
    expect(opened.read(0)).toEqual(pattern(5000));
    using empty = openShared(name, {});
    expect(empty.byteLength).toBe(5000);
  });

  it('maps only the first size bytes when size is given, and refuses more than the object holds', () => {
    const name = names.next();
    using created = openShared(name, { size: 5000, create: true });
    created.write(pattern(5000), 0);
    using prefix = openShared(name, { size: 100 });
    expect(prefix.byteLength).toBe(100);
    expect(prefix.read(0)).toEqual(pattern(5000).subarray(0, 100));
    using none = openShared(name, { size: 0 });
    expect(none.byteLength).toBe(0);
    using all = openShared(name, { size: 5000, create: false });
    expect(all.byteLength).toBe(5000);
    const before = openFdCount();
    expect(thrownCode(() => openShared(name, { size: 5001 }))).toBe('ERR_OUT_OF_RANGE');
    expect(openFdCount()).toBe(before);
    expect(statSync(shmPath(name)).size).toBe(5000); // never grown
  });

  it('is ENOENT for a missing name, with syscall and path', () => {
    const name = names.next();
    expect(() => openShared(name)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'shm_open', path: name }));
    expect(() => openShared(name, { size: 10 })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('sees the other map\'s stores at once: both are MAP_SHARED views of one object', () => {
    const name = names.next();
    using a = openShared(name, { size: 4096, create: true });
    using b = openShared(name);
    a.setUint32(100, 0xdeadbeef, true);
    expect(b.getUint32(100, true)).toBe(0xdeadbeef);
    b.view()[4095] = 7;
    expect(a.at(-1)).toBe(7);
  });
});

describe('unlinkShared(name)', () => {
  it('removes the name; open maps keep working; then openShared is ENOENT and create makes a new object', () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    map.write('before', 0);
    unlinkShared(name);
    expect(shmExists(name)).toBe(false);
    expect(thrownCode(() => openShared(name))).toBe('ENOENT');
    map.write('after', 10);
    expect(new TextDecoder().decode(map.read(0, 15))).toBe('before\0\0\0\0after');
    using fresh = openShared(name, { size: 4096, create: true });
    expect(fresh.read(0, 6)).toEqual(new Uint8Array(6)); // a new object, not the unlinked one
  });

  it('is ENOENT for a name that does not exist', () => {
    const name = names.next();
    expect(() => unlinkShared(name)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'shm_unlink', path: name }));
  });
});

describe('shared memory names', () => {
  it.each([
    ['', 'ERR_INVALID_ARG_VALUE'],
    ['/leading', 'ERR_INVALID_ARG_VALUE'],
    ['in/ner', 'ERR_INVALID_ARG_VALUE'],
    ['trailing/', 'ERR_INVALID_ARG_VALUE'],
    ['nul\0byte', 'ERR_INVALID_ARG_VALUE'],
    ['.', 'ERR_INVALID_ARG_VALUE'],
    ['..', 'ERR_INVALID_ARG_VALUE'],
  ])('refuses %j with %s in openShared and unlinkShared', (name, expected) => {
    expect(thrownCode(() => openShared(name, { size: 10, create: true }))).toBe(expected);
    expect(thrownCode(() => openShared(name))).toBe(expected);
    expect(thrownCode(() => unlinkShared(name))).toBe(expected);
  });

  it("refuses '/name' before any system call: glibc would strip the '/' and make 'name'", () => {
    const name = names.next();
    expect(thrownCode(() => openShared(`/${name}`, { size: 10, create: true }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(shmExists(name)).toBe(false);
  });

  it('refuses names that are not strings (ERR_INVALID_ARG_TYPE), and options that are not objects', () => {
    for (const name of [undefined, null, 5, {}, Symbol('x')]) {
      expect(thrownCode(() => openShared(name as never))).toBe('ERR_INVALID_ARG_TYPE');
      expect(thrownCode(() => unlinkShared(name as never))).toBe('ERR_INVALID_ARG_TYPE');
    }
    for (const options of [null, 5, 'create']) expect(thrownCode(() => openShared('x', options as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownCode(() => openShared('x', { create: 'yes' as never, size: 10 }))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('takes up to 255 UTF-8 bytes on Linux (NAME_MAX); one more is ENAMETOOLONG', () => {
    const stem = `pm-open-${process.pid}-long-`;
    const longest = stem + 'x'.repeat(255 - stem.length);
    const accented = stem + 'é'.repeat((255 - stem.length) >> 1); // 2 bytes each
    for (const name of [longest, accented]) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      try {
        openShared(name, { size: 1, create: true }).close();
        expect(shmExists(name)).toBe(true);
        unlinkShared(name);
      } finally {
        if (shmExists(name)) unlinkShared(name);
      }
    }
    const before = openFdCount();
    for (const name of [`${longest}x`, `${accented}éé`]) {
      expect(Buffer.byteLength(name)).toBeGreaterThan(255);
      expect(() => openShared(name, { size: 1, create: true })).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG', syscall: 'shm_open' }));
      expect(() => openShared(name)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG', syscall: 'shm_open' }));
      expect(() => unlinkShared(name)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG', syscall: 'shm_unlink' }));
    }
    expect(openFdCount()).toBe(before);
  });
});

describe('descriptors', () => {
  it('keeps one close-on-exec read-write descriptor per open map and gives it back at close()', () => {
    const name = names.next();
    const before = openFdCount();
    const map = openShared(name, { size: 100, create: true });
    expect(openFdCount()).toBe(before + 1);
    const fd = descriptorOf(name);
    const flags = parseInt(/flags:\s+(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8);
    expect(flags & 0o2000000).toBe(0o2000000); // O_CLOEXEC
    expect(flags & 0o3).toBe(0o2); // O_RDWR
    map.close();
    expect(openFdCount()).toBe(before);
  });

  it('leaks none on any failure: EEXIST, ENOENT, a size past the end, bad names, ENAMETOOLONG', () => {
    const name = names.next();
    using held = openShared(name, { size: 100, create: true });
    const before = openFdCount();
    for (let i = 0; i < 20; i++) {
      expect(thrownCode(() => openShared(name, { size: 100, create: true }))).toBe('EEXIST');
      expect(thrownCode(() => openShared(`${name}-missing`))).toBe('ENOENT');
      expect(thrownCode(() => openShared(name, { size: 101 }))).toBe('ERR_OUT_OF_RANGE');
      expect(thrownCode(() => openShared('a/b'))).toBe('ERR_INVALID_ARG_VALUE');
      expect(thrownCode(() => openShared('n'.repeat(256)))).toBe('ENAMETOOLONG');
      expect(thrownCode(() => unlinkShared(`${name}-missing`))).toBe('ENOENT');
    }
    expect(openFdCount()).toBe(before);
    expect(held.byteLength).toBe(100);
  });
});

/** The descriptor number of /dev/shm/<name> in this process. */
function descriptorOf(name: string): string {
  const fds = readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === shmPath(name);
    } catch {
      return false; // the listing's own descriptor, closed by now
    }
  });
  expect(fds).toHaveLength(1);
  return fds[0];
}

describe('every MemoryMap member on a shared map', () => {
  it('reads, writes, searches, walks lines, flushes, advises, streams and closes like a file map', async () => {
    const name = names.next();
    const map = openShared(name, { size: 8192, create: true });
    map.write('alpha\nbeta\ngamma\n', 0);
    expect(map.at(0)).toBe(0x61);
    expect(map.at(-1)).toBe(0);
    const into = new Uint8Array(5);
    expect(map.readInto(into, 6)).toBe(5);
    expect(new TextDecoder().decode(into)).toBe('beta\n');
    map.setFloat64(4000, Math.PI, true);
    expect(map.getFloat64(4000, true)).toBe(Math.PI);
    map.setBigInt64(4008, -5n);
    expect(map.getBigInt64(4008)).toBe(-5n);
    map.fill(0x7a, 5000, 10);
    map.move(6000, 5000, 10);
    expect(map.find('zzzzzzzzzz')).toBe(5000);
    expect(map.rfind('zzzzzzzzzz')).toBe(6000);
    expect(map.find(0x7a, 5005, 5007)).toBe(5005);
    const cursor = map.cursor();
    expect([...cursor.lines()].slice(0, 3).map((l) => new TextDecoder().decode(l))).toEqual(['alpha\n', 'beta\n', 'gamma\n']);
    cursor.seek(100);
    cursor.write('cursor');
    expect(map.read(100, 6)).toEqual(new TextEncoder().encode('cursor'));
    map.flush();
    await map.flushAsync(0, 100);
    map.advise('dontneed');
    expect(map.read(0, 6)).toEqual(new TextEncoder().encode('alpha\n')); // shmem pages keep their contents
    map.advise('willneed', 0, 4096);
    expect(map.residency().mappedBytes).toBe(8192);
    expect(map.stats().bytesWritten).toBeGreaterThan(0);
    const chunks: Uint8Array[] = [];
    for (const reader = map.stream(0, 17).getReader(); ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    expect(Buffer.concat(chunks).toString()).toBe('alpha\nbeta\ngamma\n');
    const view = map.view(0, 5);
    map.resize(20_000); // the object's size, for every process that opens it
    expect(view.length).toBe(0); // detached, as on every resize
    expect(statSync(shmPath(name)).size).toBe(20_000);
    expect(map.read(0, 5)).toEqual(new TextEncoder().encode('alpha'));
    expect(map.read(19_000, 4)).toEqual(new Uint8Array(4));
    map.resize(3000);
    expect(statSync(shmPath(name)).size).toBe(3000);
    map.close();
    map.close();
    expect(map.closed).toBe(true);
    expect(thrownCode(() => map.read(0))).toBe('ERR_MMAP_CLOSED');
    using again = openShared(name);
    expect(again.byteLength).toBe(3000);
    expect(again.read(100, 6)).toEqual(new TextEncoder().encode('cursor'));
  });
});

describe('PORTABLE_MMAP_BACKEND', () => {
  beforeAll(ensureBuilt);

  it('does not apply to openShared: it chooses a backend for openMap, and only one can share', () => {
    const name = names.next();
    const child = (value: string) =>
      lastJson(runChild(
        `import { detectBackend, openShared, unlinkShared } from DIST;
        const out = {};
        const shm = openShared(process.argv[2], { size: 10, create: true });
        out.backend = shm.backend;
        shm.close();
        unlinkShared(process.argv[2]);
        try { out.detected = detectBackend().backend; } catch (e) { out.detected = e.code; }
        console.log(JSON.stringify(out));`,
        { args: [name], env: { PORTABLE_MMAP_BACKEND: value } },
      ));
    expect(child('wasm')).toEqual({ backend: 'native', detected: 'wasm' });
    expect(child('bogus')).toEqual({ backend: 'native', detected: 'ERR_INVALID_ARG_VALUE' });
    expect(shmExists(name)).toBe(false);
  });
});

describe('where the native backend is missing', () => {
  beforeAll(ensureBuilt);

  it('openShared and unlinkShared throw ERR_MMAP_BACKEND_UNAVAILABLE with the reason (the bare index registers no backend)', () => {
    const result = runChild(
      `import { openShared, unlinkShared } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};
      const out = [];
      for (const f of [() => openShared('x', { size: 1, create: true }), () => openShared('x'), () => unlinkShared('x')]) {
        try { f(); out.push('opened'); } catch (e) { out.push({ code: e.code, reason: e.reason }); }
      }
      try { openShared('a/b'); } catch (e) { out.push(e.code); }
      console.log(JSON.stringify(out));`,
    );
    const out = lastJson<unknown[]>(result);
    expect(out.slice(0, 3)).toEqual(Array(3).fill({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE', reason: expect.stringContaining('named shared memory needs OS mappings') }));
    expect(out[3]).toBe('ERR_INVALID_ARG_VALUE'); // arguments are checked first
  });
});
