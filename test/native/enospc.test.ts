/**
 * A full file system is the growing call's ENOSPC, never a SIGBUS at a later store
 * (issue 16 row 1): `grow`, `resize()` and `openShared({ create })` reserve the blocks
 * they add. Each case runs in a child inside a private mount namespace (`unshare -m`)
 * where a 1 MiB tmpfs is mounted over a directory and over /dev/shm, so nothing outside
 * the child sees it. Needs root and util-linux's unshare; elsewhere the group is skipped
 * and its title says why.
 *
 * Failed before the fix: every growing call succeeded (the file systems grow sparse
 * files without complaint) and the first store past 1 MiB was a SIGBUS. A store into a
 * hole of someone else's sparse file still faults; the guard survives it and tells it
 * from a truncation at the fault (the map's descriptor shows the file holds the page):
 * EIO (before: ERR_MMAP_TRUNCATED, though the file had not shrunk).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, expectClean, lastJson, runChild } from '../helpers/native-build.js';

const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;
const group = canUnshare ? describe : describe.skip;
const title = canUnshare ? 'a full file system (1 MiB tmpfs in a private mount namespace)'
  : 'a full file system — skipped: needs root and `unshare -m` for a private tmpfs mount';

const CHILD = `
import { openMap, openShared } from DIST;
import { statSync, writeFileSync } from 'node:fs';
const dir = process.argv[2];
const MiB = 1 << 20;
const code = (f) => { try { f(); return 'no error'; } catch (e) { return e.code ?? String(e); } };
const out = {};

writeFileSync(dir + '/grow.bin', '');
out.grow = code(() => openMap(dir + '/grow.bin', { access: 'write', length: 4 * MiB, grow: true, backend: 'native' }));
out.growSize = statSync(dir + '/grow.bin').size;

writeFileSync(dir + '/resize.bin', new Uint8Array(4096).fill(3));
const map = openMap(dir + '/resize.bin', { access: 'write', backend: 'native' });
const view = map.view();
out.resize = code(() => map.resize(4 * MiB));
out.resizeLength = map.byteLength;
out.resizeSize = statSync(dir + '/resize.bin').size;
out.viewAfter = [view.length, view[0]];
map.fill(9);
map.flush();
map.close();

out.shared = code(() => openShared('portable-mmap-enospc', { size: 4 * MiB, create: true }));
out.sharedAfter = code(() => openShared('portable-mmap-enospc').close());

writeFileSync(dir + '/fits.bin', '');
const fits = openMap(dir + '/fits.bin', { access: 'write', length: 256 * 1024, grow: true, backend: 'native' });
fits.fill(7);
fits.flush();
fits.close();
out.fits = statSync(dir + '/fits.bin').size;
const fitsShared = openShared('portable-mmap-enospc-fits', { size: 256 * 1024, create: true });
fitsShared.fill(5);
fitsShared.close();
out.fitsShared = 'stored';

// a sparse file made by someone else: its holes cannot be filled, and the file did not shrink
const { truncateSync } = await import('node:fs');
writeFileSync(dir + '/sparse.bin', '');
truncateSync(dir + '/sparse.bin', 4 * MiB);
const sparse = openMap(dir + '/sparse.bin', { access: 'write', backend: 'native' });
out.holeStore = code(() => sparse.fill(1));
out.holeAfter = code(() => sparse.getUint8(0));
out.holeClose = code(() => sparse.close());

console.log(JSON.stringify(out));
`;

group(title, () => {
  beforeAll(ensureBuilt);

  it('grow, resize() and openShared({ create }) fail with ENOSPC and leave everything as it was; what fits is stored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-enospc-'));
    try {
      const mounts = 'mount -t tmpfs -o size=1m tmpfs "$0" && mount -t tmpfs -o size=1m tmpfs /dev/shm && exec "$@"';
      const result = runChild(CHILD, { wrapper: ['unshare', '-m', 'sh', '-c', mounts, dir], args: [dir] });
      expectClean(result);
      expect(lastJson(result)).toEqual({
        grow: 'ENOSPC',
        growSize: 0,
        resize: 'ENOSPC',
        resizeLength: 4096,
        resizeSize: 4096,
        viewAfter: [4096, 3],
        shared: 'ENOSPC',
        sharedAfter: 'ENOENT',
        fits: 256 * 1024,
        fitsShared: 'stored',
        // the guard survives the fault; the file still holds the page, so it is EIO, not a truncation
        holeStore: 'EIO',
        holeAfter: 'EIO',
        holeClose: 'no error',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
