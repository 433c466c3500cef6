/**
 * The addon itself: how it is found and what detectBackend() says about it, and
 * the checks it makes on its own (bounds, state, handle types) so that no call,
 * however wrong, touches memory outside a live mapping.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadAddon, type Addon, type AddonHandle } from '../../src/backends/native/addon.js';
import { detectBackend } from '../../src/entries/node.js';
import { ensureBuilt, lastJson, openFdCount, ROOT, runChild } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { pattern } from '../conformance/harness.js';

const files = tempFiles('native');
beforeAll(ensureBuilt);
afterAll(() => files.cleanup());

function addon(): Addon {
  const { addon, reason } = loadAddon();
  if (!addon) throw new Error(reason);
  return addon;
}

/** A copy of the built package at `dir`, with the addon where `layout` puts it (or nowhere). */
function packageCopy(dir: string, layout: 'prebuild' | 'none'): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'portable-mmap', type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  if (layout === 'prebuild') {
    mkdirSync(join(dir, 'native-backend', 'prebuilds', 'linux-x64'), { recursive: true });
    copyFileSync(
      join(ROOT, 'native-backend', 'build', 'Release', 'portable_mmap.node'),
      join(dir, 'native-backend', 'prebuilds', 'linux-x64', 'portable-mmap.glibc.node'),
    );
  }
  return pathToFileURL(join(dir, 'dist', 'entries', 'node.js')).href;
}

const REPORT = (url: string) => `import { detectBackend, openMap } from ${JSON.stringify(url)};
let forced;
try { openMap(process.argv[2], { backend: 'native' }).close(); forced = 'opened'; } catch (e) { forced = e.code; }
console.log(JSON.stringify({ ...detectBackend(), forced }));`;

describe('loading', () => {
  it('loads once and says where the addon came from', () => {
    const first = loadAddon();
    expect(first.reason).toBe('Node-API addon loaded (built from source)');
    expect(loadAddon()).toBe(first);
    expect(detectBackend()).toEqual({ backend: 'native', runtime: 'node', reason: first.reason });
    const pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }));
    expect([addon().pageSize, addon().allocationGranularity]).toEqual([pageSize, pageSize]);
    expect(addon().unavailable).toBeUndefined();
  });

  it('loads a prebuild where no build exists', () => {
    const path = files.file('loader.bin', pattern(10));
    const url = packageCopy(files.file('with-prebuild'), 'prebuild');
    const result = runChild(REPORT(url), { args: [path] });
    expect(lastJson(result)).toEqual({
      backend: 'native',
      runtime: 'node',
      reason: 'Node-API addon loaded (prebuild linux-x64)',
      forced: 'opened',
    });
  });

  it('where nothing loads, says why, and a forced native backend is unavailable', () => {
    const path = files.file('loader.bin', pattern(10));
    const url = packageCopy(files.file('without-addon'), 'none');
    const out = lastJson<{ backend: string; reason: string; forced: string }>(runChild(REPORT(url), { args: [path] }));
    expect(out.backend).toBe('wasm');
    expect(out.reason).toMatch(/^the Node-API addon did not load: No native build was found/);
    expect(out.forced).toBe('ERR_MMAP_BACKEND_UNAVAILABLE');
  });
});

describe('the addon re-checks what guards memory', () => {
  const size = 10_000;
  let a: Addon;
  let path: string;
  beforeAll(() => {
    a = addon();
    path = files.file('checks.bin', pattern(size));
  });

  function open(access = 0): AddonHandle {
    const [fd, fileSize] = a.open(path, access);
    return a.map(fd, access, 0, fileSize, 0);
  }

  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as { code?: string }).code ?? (error as Error).name;
    }
    return 'returned';
  };

  it('refuses ranges outside the map', () => {
    const h = open();
    const eight = new Uint8Array(8);
    expect(code(() => a.copyOut(h, size - 2, eight))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.copyOut(h, 2 ** 53, eight))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.copyOut(h, -1, eight))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.copyOut(h, 0.5, eight))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.buffer(h, 0, size + 1))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.buffer(h, size, 0))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.find(h, eight, 10, 5))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.rfind(h, eight, 0, size + 1))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.flush(h, 1, size))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.flushAsync(h, size + 1, 0))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.advise(h, 4, size, 1))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.advise(h, 9, 0, 1))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.copyOut(h, 'x' as never, eight))).not.toBe('returned');
    expect(code(() => a.copyOut(h, 0, {} as never))).toBe('ERR_INVALID_ARG_TYPE');
    a.close(h);
  });

  it("refuses stores to a 'read' map and resize() of anything but a 'write' map", () => {
    const h = open(0);
    const bytes = new Uint8Array(4);
    expect(code(() => a.copyIn(h, 0, bytes))).toBe('ERR_MMAP_READ_ONLY');
    expect(code(() => a.fill(h, 1, 0, 4))).toBe('ERR_MMAP_READ_ONLY');
    expect(code(() => a.move(h, 0, 4, 4))).toBe('ERR_MMAP_READ_ONLY');
    expect(code(() => a.resize(h, 10))).toBe('ERR_MMAP_READ_ONLY');
    a.close(h);
    const copy = open(2);
    expect(code(() => a.resize(copy, 10))).toBe('ERR_MMAP_READ_ONLY');
    expect(code(() => a.fill(copy, 256, 0, 1))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.move(copy, size - 1, 0, 2))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => a.copyIn(copy, size - 1, bytes))).toBe('ERR_OUT_OF_RANGE');
    a.close(copy);
  });

  it('refuses closed maps and released leases', () => {
    const h = open();
    const lease = a.lease(h);
    a.close(h);
    a.close(h);
    const four = new Uint8Array(4);
    for (const call of [
      () => a.copyOut(h, 0, four),
      () => a.buffer(h, 0, 1),
      () => a.find(h, four, 0, 1),
      () => a.lease(h),
      () => a.residency(h),
      () => a.flush(h, 0, 0),
    ]) {
      expect(code(call)).toBe('ERR_MMAP_CLOSED');
    }
    expect(a.leaseCopy(lease, size - 2, four)).toBe(2); // the lease still reads, clipped at the end
    a.leaseRelease(lease);
    a.leaseRelease(lease);
    expect(code(() => a.leaseCopy(lease, 0, four))).toBe('ERR_MMAP_CLOSED');
  });

  it('tells its handles and leases apart from each other and from anything else', () => {
    const h = open();
    const lease = a.lease(h);
    const four = new Uint8Array(4);
    expect(code(() => a.find(lease as never, four, 0, 1))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => a.leaseCopy(h as never, 0, four))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => a.close({} as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => a.copyOut(42 as never, 0, four))).not.toBe('returned');
    a.leaseRelease(lease);
    a.close(h);
  });

  it('map() closes the descriptor it was given, also when its arguments are wrong', () => {
    const before = openFdCount();
    const [fd] = a.open(path, 0);
    expect(code(() => a.map(fd, 0, -5, 10, 0))).toBe('ERR_OUT_OF_RANGE');
    expect(openFdCount()).toBe(before);
    const [fd2, fileSize] = a.open(path, 0);
    a.close(a.map(fd2, 0, 0, fileSize, 0));
    expect(openFdCount()).toBe(before);
  });
});
