/**
 * The Linux prebuilds load wherever Node 20 runs, which needs glibc >= 2.28: no symbol
 * may need a newer GLIBC_ version (src/glibc_compat.h pins shm_open, shm_unlink,
 * pthread_once and fstat, which a build on this machine's glibc would bind to 2.33 and
 * 2.34). readelf, not objdump: the machine's binutils read every architecture with it.
 * The x64 prebuild also loads here and maps, through exactly those calls.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, expectClean, lastJson, ROOT, runChild } from '../helpers/native-build.js';
import { ensurePrebuilds, prebuildPath, type PrebuildTarget } from '../helpers/prebuilds.js';

const NEWEST = [2, 28];
const MACHINE: Record<string, string> = { 'linux-x64': 'Advanced Micro Devices X86-64', 'linux-arm64': 'AArch64' };
const TARGETS: PrebuildTarget[] = ['linux-x64', 'linux-arm64'];

function readelf(args: string[], file: string): string {
  const r = spawnSync('readelf', ['-W', ...args, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`readelf ${args.join(' ')} ${file}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

const newer = (version: string) => {
  const [major, minor] = version.split('.').map(Number);
  return major > NEWEST[0] || (major === NEWEST[0] && minor > NEWEST[1]);
};

/** Every `symbol@GLIBC_x.y` the file imports, and every GLIBC_ version it needs. */
function glibcNeeds(file: string): { symbols: string[]; versions: string[] } {
  const symbols = [...readelf(['--dyn-syms'], file).matchAll(/ UND (\S+@GLIBC_[\d.]+)/g)].map((m) => m[1]);
  const versions = [...readelf(['-V'], file).matchAll(/Name: GLIBC_([\d.]+)/g)].map((m) => m[1]);
  return { symbols, versions };
}

describe('the Linux prebuilds need nothing newer than glibc 2.28', () => {
  beforeAll(() => {
    ensureBuilt();
    ensurePrebuilds(TARGETS);
  }, 300_000);

  test.each(TARGETS)('%s: built for its machine, every GLIBC_ version it needs is <= 2.28', (target) => {
    const file = prebuildPath(target);
    expect(readelf(['-h'], file)).toContain(`Machine:                           ${MACHINE[target]}`);
    const { symbols, versions } = glibcNeeds(file);
    expect(versions.length).toBeGreaterThan(0);
    expect(symbols.filter((symbol) => newer(symbol.split('@GLIBC_')[1]))).toEqual([]);
    expect(versions.filter(newer)).toEqual([]);
    // The pinned calls are there, at their old versions: the check above saw them.
    expect(symbols.filter((s) => /^(shm_open|shm_unlink|__fxstat64)@/.test(s)).length).toBe(3);
  });

  test.each(TARGETS)('%s: names librt and libpthread, where glibc < 2.34 keeps the pinned shm_open and pthread_once', (target) => {
    const needed = [...readelf(['-d'], prebuildPath(target)).matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]);
    expect(needed).toEqual(expect.arrayContaining(['librt.so.1', 'libpthread.so.0', 'libc.so.6']));
  });

  test('the addon built from source here uses the same pins', () => {
    const file = join(ROOT, 'native-backend', 'build', 'Release', 'portable_mmap.node');
    expect(existsSync(file)).toBe(true);
    const { symbols, versions } = glibcNeeds(file);
    expect([...symbols.filter((s) => newer(s.split('@GLIBC_')[1])), ...versions.filter(newer)]).toEqual([]);
  });

  test('the linux-x64 prebuild loads here and maps files and shared memory', () => {
    const result = runChild(
      `import { detectBackend, openMap, openShared, unlinkShared } from DIST;
      import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-glibc-'));
      const file = join(dir, 'data.bin');
      writeFileSync(file, 'hello');
      const map = openMap(file, { access: 'write' });
      map.write('J', 0);
      map.resize(8192);
      map.write('!', 8191);
      map.flush();
      map.close();
      const bytes = readFileSync(file);
      const name = 'portable-mmap-glibc-' + process.pid;
      const created = openShared(name, { size: 4096, create: true });
      created.write('shared', 0);
      const attached = openShared(name);
      const seen = new TextDecoder().decode(attached.read(0, 6));
      attached.close();
      created.close();
      unlinkShared(name);
      rmSync(dir, { recursive: true });
      console.log(JSON.stringify({ detected: detectBackend(), backend: map.backend, start: bytes.subarray(0, 5).toString(), length: bytes.length, last: bytes[8191], seen }));`,
      { env: { PREBUILDS_ONLY: '1' } },
    );
    expectClean(result);
    expect(lastJson(result)).toEqual({
      detected: { backend: 'native', runtime: 'node', reason: 'Node-API addon loaded (prebuild linux-x64)' },
      backend: 'native',
      start: 'Jello',
      length: 8192,
      last: '!'.charCodeAt(0),
      seen: 'shared',
    });
  });
});
