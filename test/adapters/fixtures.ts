/**
 * The files the adapter tests parse, each made by its library's own writer
 * (hyparquet-writer, geotiff's writeArrayBuffer, zip.js' ZipWriter) or, where the
 * library has none (PMTiles, FASTA + .fai), by the format's specification.
 */
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { writeArrayBuffer } from 'geotiff';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { zxyToTileId } from 'pmtiles';
import { rng } from '../helpers/random.js';

configure({ useWebWorkers: false });

/** Eight DOUBLE columns of `rows` rows: reading one of them needs about an eighth of the file. */
export function parquetFile(rows: number): { bytes: Uint8Array; columns: Float64Array[] } {
  const next = rng(7);
  const columns = Array.from({ length: 8 }, () => Float64Array.from({ length: rows }, () => next(1e9) / 1e3));
  const buffer = parquetWriteBuffer({
    columnData: columns.map((data, i) => ({ name: `c${i}`, data: Array.from(data), type: 'DOUBLE' as const })),
    codec: 'UNCOMPRESSED',
    rowGroupSize: rows,
  });
  return { bytes: new Uint8Array(buffer), columns };
}

/** A single-band 16-bit GeoTIFF of `width` × `height` pixels; pixel (x, y) holds (x * 7 + y * 13) & 0xffff. */
export function geotiffFile(width: number, height: number): { bytes: Uint8Array; pixel: (x: number, y: number) => number } {
  const pixel = (x: number, y: number) => (x * 7 + y * 13) & 0xffff;
  const values = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values[y * width + x] = pixel(x, y);
  const buffer = writeArrayBuffer(values, { width, height, BitsPerSample: [16], SampleFormat: [1] });
  return { bytes: new Uint8Array(buffer as ArrayBuffer), pixel };
}

export async function zipFile(entries: Record<string, Uint8Array>): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter());
  for (const [name, bytes] of Object.entries(entries)) await writer.add(name, new Uint8ArrayReader(bytes), { level: 0 });
  return await writer.close();
}

function varints(values: number[]): number[] {
  const out: number[] = [];
  for (let value of values) {
    while (value >= 0x80) {
      out.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    out.push(value);
  }
  return out;
}

/**
 * A PMTiles v3 archive (the specification's layout: a 127-byte header, an uncompressed
 * root directory, "{}" metadata, then the tiles) of every tile of zooms 0–`maxZoom`,
 * each `tileBytes` bytes of its own pattern.
 */
export function pmtilesFile(maxZoom: number, tileBytes: number): { bytes: Uint8Array; tile: (z: number, x: number, y: number) => Uint8Array } {
  const tile = (z: number, x: number, y: number) => {
    const next = rng(1000 + zxyToTileId(z, x, y));
    return Uint8Array.from({ length: tileBytes }, () => next(256));
  };
  const ids: [number, Uint8Array][] = [];
  for (let z = 0; z <= maxZoom; z++) for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) ids.push([zxyToTileId(z, x, y), tile(z, x, y)]);
  ids.sort((a, b) => a[0] - b[0]);
  const directory = Uint8Array.from([
    ...varints([ids.length]),
    ...varints(ids.map(([id], i) => (i === 0 ? id : id - ids[i - 1][0]))),
    ...varints(ids.map(() => 1)),
    ...varints(ids.map(() => tileBytes)),
    ...varints(ids.map((_, i) => (i === 0 ? 1 : 0))), // 0: right after the one before; the first at offset 0 is 0 + 1
  ]);
  const metadata = new TextEncoder().encode('{}');
  const header = new DataView(new ArrayBuffer(127));
  new TextEncoder().encodeInto('PMTiles', new Uint8Array(header.buffer));
  header.setUint8(7, 3);
  const rootOffset = 127;
  const metadataOffset = rootOffset + directory.length;
  const dataOffset = metadataOffset + metadata.length;
  const u64 = (at: number, value: number) => header.setBigUint64(at, BigInt(value), true);
  u64(8, rootOffset);
  u64(16, directory.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, dataOffset); // no leaf directories
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, ids.length * tileBytes);
  u64(72, ids.length);
  u64(80, ids.length);
  u64(88, ids.length);
  header.setUint8(96, 1); // clustered
  header.setUint8(97, 1); // internal compression: none
  header.setUint8(98, 1); // tile compression: none
  header.setUint8(99, 0); // tile type: unknown
  header.setUint8(100, 0);
  header.setUint8(101, maxZoom);
  header.setInt32(102, -1800000000, true);
  header.setInt32(106, -850000000, true);
  header.setInt32(110, 1800000000, true);
  header.setInt32(114, 850000000, true);
  const bytes = new Uint8Array(dataOffset + ids.length * tileBytes);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(directory, rootOffset);
  bytes.set(metadata, metadataOffset);
  ids.forEach(([, data], i) => bytes.set(data, dataOffset + i * tileBytes));
  return { bytes, tile };
}

/** A FASTA file of `count` sequences (60 bases a line) and its .fai index, as samtools faidx writes it. */
export function fastaFiles(count: number, length: number): { fasta: Uint8Array; fai: Uint8Array; sequences: Record<string, string> } {
  const next = rng(3);
  const sequences: Record<string, string> = {};
  let fasta = '';
  let fai = '';
  for (let s = 0; s < count; s++) {
    const name = `chr${s + 1}`;
    const bases = Array.from({ length }, () => 'ACGT'[next(4)]).join('');
    sequences[name] = bases;
    fasta += `>${name}\n`;
    fai += `${name}\t${length}\t${fasta.length}\t60\t61\n`;
    for (let at = 0; at < length; at += 60) fasta += `${bases.slice(at, at + 60)}\n`;
  }
  return { fasta: new TextEncoder().encode(fasta), fai: new TextEncoder().encode(fai), sequences };
}
