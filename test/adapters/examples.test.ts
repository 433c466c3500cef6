/** The adapter examples run as written (through the package's own exports) and print what they should. */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../runtimes/bundle.js';

const run = (script: string) => execFileSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

test('examples/arrow-local.mjs: tableFromIPC(map.view()) parses the file in place, its column buffer the mapped memory', () => {
  const out = run('examples/arrow-local.mjs');
  expect(out).toContain('backend: native; 1000000 rows, columns id, value');
  expect(out).toContain(`value[123456] = ${Math.sin(123.456).toFixed(6)}; column buffer is the mapped memory: true`);
});

test('examples/cog-tile.mjs: geotiff reads a window of a GeoTIFF through asGeoTIFFSource', () => {
  const out = run('examples/cog-tile.mjs');
  // pixel (x, y) holds x + y: the mean over x, y in [1000, 1256) is 2 × 1127.5
  expect(out).toContain('2000 × 2000 image; window 1000,1000,1256,1256: 65536 pixels, mean 2255.00');
  expect(out).toMatch(/read \d+ of 8001000 bytes through the native map/);
});
