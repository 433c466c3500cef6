/**
 * Each adapter with its real library, parsing a real file, on the three kinds of
 * map (maps.ts): results are compared with what the file holds, a windowed wasm
 * map evicts pages during the parse, and nginx's log shows the remote map fetched
 * only what the parser needed.
 */
import { IndexedFasta } from '@gmod/indexedfasta';
import { BlobReader, TextWriter, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { GeoTIFF } from 'geotiff';
import { asyncBufferFromUrl, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { EtagMismatch, PMTiles } from 'pmtiles';
import { asAsyncBuffer, asBlob, asFetch, asFileHandle, asGeoTIFFSource, asPMTilesSource } from '../../src/adapters/index.js';
import { openMap } from '../../src/entries/node.js';
import type { AsyncMemoryMap, MemoryMap } from '../../src/types.js';
import { tempFiles } from '../helpers/temp-files.js';
import { fastaFiles, geotiffFile, parquetFile, pmtilesFile, zipFile } from './fixtures.js';
import { fixtures, KINDS, type Fixtures, type Kind } from './maps.js';

const ROWS = 40_000;
const parquet = parquetFile(ROWS);
const tiff = geotiffFile(300, 200);
const tiles = pmtilesFile(3, 3000);
const fasta = fastaFiles(3, 50_000);
const zipEntries = { 'a.txt': new TextEncoder().encode('alpha '.repeat(5000)), 'b.bin': Uint8Array.from({ length: 30_000 }, (_, i) => (i * 31) & 255) };

let files: Fixtures;
beforeAll(async () => {
  files = await fixtures({
    'data.parquet': parquet.bytes,
    'image.tif': tiff.bytes,
    'tiles.pmtiles': tiles.bytes,
    'genome.fa': fasta.fasta,
    'genome.fa.fai': fasta.fai,
    'archive.zip': await zipFile(zipEntries),
  });
}, 60_000);
afterAll(() => files?.close());

/** A windowed wasm map must have evicted pages, or the small budget tested nothing. */
function expectEvictedIfWindowed(kind: Kind, map: MemoryMap | AsyncMemoryMap): void {
  if (kind === 'wasm (16 KiB budget)') expect(map.stats().evictions).toBeGreaterThan(0);
}

describe.each(KINDS)('on a %s map', (kind) => {
  test('hyparquet reads one column of eight through asAsyncBuffer, and a remote map fetches little more than that column', async () => {
    const map = await files.open(kind, 'data.parquet');
    const mark = files.mark();
    const adapted = asAsyncBuffer(map);
    let asked = 0; // what hyparquet itself asked for (its first read is the last 512 KiB, for the footer)
    const file = { byteLength: adapted.byteLength, slice: (start: number, end?: number) => ((asked += (end ?? adapted.byteLength) - start), adapted.slice(start, end)) };
    const metadata = await parquetMetadataAsync(file);
    expect(Number(metadata.num_rows)).toBe(ROWS);
    const rows = await parquetReadObjects({ file, columns: ['c3'], metadata });
    expect(rows.length).toBe(ROWS);
    expect(Float64Array.from(rows.map((row) => row.c3 as number))).toEqual(parquet.columns[3]);
    expectEvictedIfWindowed(kind, map);
    if (kind === 'remote (nginx)') {
      const sent = (await files.requests('data.parquet', mark)).reduce((sum, entry) => sum + entry.bytes, 0);
      // what was asked, rounded out to 16 KiB pages at each end of its two reads; far from the whole file
      expect(asked).toBeLessThan(parquet.bytes.length / 2);
      expect(sent).toBeGreaterThanOrEqual(asked - 16 * 1024); // the probe's first page was already there
      expect(sent).toBeLessThanOrEqual(asked + 4 * 16 * 1024);
    }
  });

  test('hyparquet reads through asFetch, its own asyncBufferFromUrl answered from the map', async () => {
    const map = await files.open(kind, 'data.parquet');
    const url = 'https://data.example/data.parquet';
    const file = await asyncBufferFromUrl({ url, fetch: asFetch(map, url) });
    expect(file.byteLength).toBe(parquet.bytes.length);
    const rows = await parquetReadObjects({ file, columns: ['c6'], rowStart: 1000, rowEnd: 1010 });
    expect(rows.map((row) => row.c6)).toEqual(Array.from(parquet.columns[6].subarray(1000, 1010)));
  });

  test('geotiff reads a window of pixels through asGeoTIFFSource', async () => {
    const map = await files.open(kind, 'image.tif');
    const image = await (await GeoTIFF.fromSource(asGeoTIFFSource(map))).getImage();
    expect([image.getWidth(), image.getHeight()]).toEqual([300, 200]);
    const [band] = (await image.readRasters({ window: [120, 50, 140, 60] })) as unknown as Uint16Array[];
    const expected = new Uint16Array(20 * 10);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 20; x++) expected[y * 20 + x] = tiff.pixel(120 + x, 50 + y);
    expect(band).toEqual(expected);
  });

  test('pmtiles reads tiles through asPMTilesSource', async () => {
    const map = await files.open(kind, 'tiles.pmtiles');
    const archive = new PMTiles(asPMTilesSource(map));
    const header = await archive.getHeader();
    expect(header.maxZoom).toBe(3);
    for (const [z, x, y] of [[0, 0, 0], [2, 1, 3], [3, 7, 0], [3, 4, 5]] as const) {
      const tile = await archive.getZxy(z, x, y);
      expect(new Uint8Array(tile!.data)).toEqual(tiles.tile(z, x, y));
    }
    expect(await archive.getZxy(4, 3, 3)).toBeUndefined(); // past the archive's zooms
    expectEvictedIfWindowed(kind, map);
  });

  test('@gmod/indexedfasta reads sequences through asFileHandle', async () => {
    const fa = await files.open(kind, 'genome.fa');
    const fai = await files.open(kind, 'genome.fa.fai');
    const reader = new IndexedFasta({ fasta: asFileHandle(fa), fai: asFileHandle(fai) });
    expect(await reader.getSequenceNames()).toEqual(['chr1', 'chr2', 'chr3']);
    expect(await reader.getSequence('chr2', 12_345, 12_445)).toBe(fasta.sequences.chr2.slice(12_345, 12_445));
    expect(await reader.getSequence('chr3', 49_990, 60_000)).toBe(fasta.sequences.chr3.slice(49_990)); // clipped at the end
    expect(await reader.getSequence('chr1', 0, 50_000)).toBe(fasta.sequences.chr1); // 50 KiB, more than the wasm budget
    expectEvictedIfWindowed(kind, fa);
  });

  test("zip.js lists and extracts entries through asBlob, reading the archive's directory and the entries it is asked for", async () => {
    const map = await files.open(kind, 'archive.zip');
    const reader = new ZipReader(new BlobReader(asBlob(map, 'application/zip')));
    const entries = await reader.getEntries();
    expect(entries.map((entry) => entry.filename)).toEqual(['a.txt', 'b.bin']);
    const [a, b] = entries.map((entry) => (entry.directory ? undefined : entry));
    expect(await a!.getData(new TextWriter())).toBe('alpha '.repeat(5000));
    expect(await b!.getData(new Uint8ArrayWriter())).toEqual(zipEntries['b.bin']);
    await reader.close();
  });
});

describe('validators and errors', () => {
  test("pmtiles gets the remote map's ETag, and its own EtagMismatch when the etag it holds is not the object's", async () => {
    const map = await files.open('remote (nginx)', 'tiles.pmtiles');
    const source = asPMTilesSource(map, 'tiles');
    expect(source.getKey()).toBe('tiles');
    const first = await source.getBytes(0, 16_384);
    expect(first.etag).toMatch(/^"/);
    expect(new Uint8Array(first.data)).toEqual(tiles.bytes.subarray(0, 16_384));
    await expect(source.getBytes(0, 10, undefined, '"another"')).rejects.toBeInstanceOf(EtagMismatch);
    await expect(source.getBytes(0, 10, undefined, '"another"')).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    expect((await source.getBytes(tiles.bytes.length - 10, 100, undefined, first.etag)).data.byteLength).toBe(10); // short at the end
  });

  test('a remote object that changes under the map is EtagMismatch for pmtiles, ERR_MMAP_SOURCE_CHANGED for the others', async () => {
    const name = 'tiles.pmtiles';
    const map = await files.open('remote (nginx)', name);
    try {
      const changed = tiles.bytes.slice();
      changed[changed.length - 1] ^= 0xff;
      await new Promise((resolve) => setTimeout(resolve, 1100)); // a new Last-Modified second, so nginx's ETag changes
      files.replace(name, changed);
      await expect(asPMTilesSource(map).getBytes(tiles.bytes.length - 100, 100)).rejects.toBeInstanceOf(EtagMismatch);
      await expect(asFileHandle(map).read(100, tiles.bytes.length - 100)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    } finally {
      files.replace(name, tiles.bytes);
    }
  });

  test('an aborted signal rejects with AbortError; a closed map is ERR_MMAP_CLOSED; a non-map is ERR_INVALID_ARG_TYPE', async () => {
    const map = await files.open('native', 'genome.fa');
    const handle = asFileHandle(map);
    await expect(handle.read(10, 0, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const remote = await files.open('remote (nginx)', 'genome.fa');
    const controller = new AbortController();
    const pending = asFileHandle(remote).read(100_000, 60_000, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const buffer = asAsyncBuffer(map);
    map.close();
    expect(() => buffer.slice(0, 10)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_CLOSED' }));
    await expect(handle.readFile()).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    for (const adapter of [asAsyncBuffer, asBlob, asFetch, asFileHandle, asGeoTIFFSource, asPMTilesSource]) {
      expect(() => (adapter as (map: unknown) => unknown)({ read: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });
});

describe('promised sizes', () => {
  test("a Blob over a map that shrank rejects with ERR_OUT_OF_RANGE rather than returning fewer than its size's bytes", async () => {
    const local = tempFiles('adapters-blob');
    const map = openMap(local.file('blob.bin', new Uint8Array(10_000).fill(7)), { access: 'write' });
    try {
      const blob = asBlob(map).slice(5000);
      expect(blob.size).toBe(5000);
      map.resize(6000);
      await expect(blob.arrayBuffer()).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      expect((await asBlob(map).arrayBuffer()).byteLength).toBe(6000); // a new Blob has the new size
      map.close();
      await expect(asFileHandle(map).stat()).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    } finally {
      map.close();
      local.cleanup();
    }
  });
});
