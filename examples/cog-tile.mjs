// A window of a GeoTIFF (a Cloud-Optimized GeoTIFF on object storage, or a local file)
// read through geotiff.js from a memory map: geotiff asks for the header, the image
// directory and the strips or tiles under the window, and the map reads just those
// pages (remote: HTTP Range requests for the missing pages only).
// Usage: node examples/cog-tile.mjs [file.tif | https://…/image.tif] [x0 y0 x1 y1]
//   (without a file, it writes a 2000 × 2000 one first, with geotiff's own writer)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeoTIFF, writeArrayBuffer } from 'geotiff';
import { openMap, openMapAsync } from 'portable-mmap';
import { asGeoTIFFSource } from 'portable-mmap/adapters';

let [target, ...box] = process.argv.slice(2);
let dir;
if (!target) {
  dir = mkdtempSync(join(tmpdir(), 'cog-tile-'));
  target = join(dir, 'elevation.tif');
  const size = 2000;
  const values = Uint16Array.from({ length: size * size }, (_, i) => ((i % size) + Math.floor(i / size)) & 0xffff);
  writeFileSync(target, new Uint8Array(writeArrayBuffer(values, { width: size, height: size, BitsPerSample: [16], SampleFormat: [1] })));
}
const window = box.length === 4 ? box.map(Number) : [1000, 1000, 1256, 1256];

const map = /^https?:/.test(target) ? await openMapAsync(target) : openMap(target);
try {
  const tiff = await GeoTIFF.fromSource(asGeoTIFFSource(map));
  const image = await tiff.getImage();
  const [band] = await image.readRasters({ window });
  let sum = 0;
  for (const v of band) sum += v;
  console.log(`${image.getWidth()} × ${image.getHeight()} image; window ${window.join(',')}: ${band.length} pixels, mean ${(sum / band.length).toFixed(2)}`);
  console.log(`read ${map.stats().bytesRead} of ${map.byteLength} bytes through the ${map.backend} map`);
} finally {
  await map.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
