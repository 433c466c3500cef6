/** The node:fs page source: paths and descriptors, errors as Node's fs reports them. */
import { execFileSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import { pattern } from '../conformance/harness.js';
import { tempFiles } from '../helpers/temp-files.js';

const wasm = { backend: 'wasm' } as const;
const openFds = () => readdirSync('/proc/self/fd').length;
const files = tempFiles('files');
const { dir } = files;

afterAll(() => files.cleanup());

describe('files on the wasm backend', () => {
  it('reports a directory as EISDIR and a missing file as ENOENT, with path and syscall', () => {
    for (const access of ['read', 'write'] as const) {
      expect(() => openMap(dir, { ...wasm, access })).toThrow(expect.objectContaining({ code: 'EISDIR', path: dir, syscall: 'open', errno: -21 }));
    }
    const missing = files.file('missing.bin');
    expect(() => openMap(missing, wasm)).toThrow(expect.objectContaining({ code: 'ENOENT', path: missing, syscall: 'open' }));
    const fd = openSync(dir, 'r');
    try {
      expect(() => openMap(fd, wasm)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    } finally {
      closeSync(fd);
    }
  });

  it('refuses pipes (ENODEV, without waiting for a writer) and closed descriptors (EBADF), leaving no descriptor behind', () => {
    const fifo = files.file('fifo');
    execFileSync('mkfifo', [fifo]);
    const path = files.file('small.bin');
    writeFileSync(path, pattern(100));
    const before = openFds();
    const cases: Array<[() => unknown, string]> = [
      [() => openMap(fifo, wasm), 'ENODEV'],
      [() => openMap(fifo, { ...wasm, access: 'write' }), 'ENODEV'],
      [() => openMap(999_999, wasm), 'EBADF'],
      [() => openMap(path, { ...wasm, length: 101 }), 'ERR_OUT_OF_RANGE'],
      [() => openMap(path, { ...wasm, offset: 101 }), 'ERR_OUT_OF_RANGE'],
      [() => openMap(files.file('missing'), wasm), 'ENOENT'],
      [() => openMap(dir, wasm), 'EISDIR'],
    ];
    for (const [open, code] of cases) {
      expect(open).toThrow(expect.objectContaining({ code }));
      expect(openFds()).toBe(before);
    }
    openMap(path, { ...wasm, access: 'write' }).close();
    expect(openFds()).toBe(before);
  });

  it("never closes the caller's descriptor, and keeps working after the caller closes it", () => {
    const bytes = pattern(100_000);
    const path = files.file('fd.bin');
    writeFileSync(path, bytes);
    const fd = openSync(path, 'r+');
    const map = openMap(fd, { ...wasm, access: 'write', pageSize: 4096, maxResident: 4 * 4096 });
    expect(map.read(0, 10)).toEqual(bytes.subarray(0, 10));
    closeSync(fd);
    // the caller's number may now name another file; the map reopened its own descriptor
    const other = openSync(files.file('other.bin'), 'w+');
    expect(Buffer.from(map.read(50_000, 100))).toEqual(Buffer.from(bytes.subarray(50_000, 50_100)));
    map.write('changed', 90_000);
    map.close();
    expect(readFileSync(path).subarray(90_000, 90_007).toString()).toBe('changed');
    expect(fstatSync(other).size).toBe(0);
    closeSync(other);

    const mine = openSync(path, 'r');
    openMap(mine, wasm).close();
    expect(fstatSync(mine).size).toBe(100_000);
    closeSync(mine);
  });

  it("refuses 'write' on a descriptor open only for reading, and any map of a write-only one", () => {
    const path = files.file('modes.bin');
    writeFileSync(path, pattern(10));
    const readOnly = openSync(path, 'r');
    const writeOnly = openSync(path, 'a');
    try {
      expect(() => openMap(readOnly, { ...wasm, access: 'write' })).toThrow(expect.objectContaining({ code: 'EACCES' }));
      expect(() => openMap(writeOnly, wasm)).toThrow(expect.objectContaining({ code: 'EACCES' }));
      openMap(readOnly, { ...wasm, access: 'copy' }).close();
    } finally {
      closeSync(readOnly);
      closeSync(writeOnly);
    }
  });

  it('maps a range past 4 GiB of a sparse file in windowed mode', () => {
    const path = files.file('sparse.bin');
    const at = 5 * 2 ** 30 + 12345;
    const marker = new TextEncoder().encode('far away');
    const fd = openSync(path, 'w+');
    writeSync(fd, 'needle in a sparse haystack', 0);
    writeSync(fd, marker, 0, marker.length, at);
    closeSync(fd);
    using map = openMap(path, { ...wasm, access: 'write', maxResident: 4 * 65536 });
    expect(map.byteLength).toBe(at + marker.length);
    expect(map.stableViews).toBe(false);
    expect(map.read(at, 8)).toEqual(marker);
    expect(map.rfind('far')).toBe(at);
    map.setUint32(at - 2, 0x01020304);
    map.flush();
    expect(map.getUint32(at - 2)).toBe(0x01020304);
    expect(map.find('needle')).toBe(0);
  });
});
