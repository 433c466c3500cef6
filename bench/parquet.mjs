// hyparquet reading one column of a 256 MiB Parquet file over nginx on loopback:
// through a remote map (asAsyncBuffer(await openMapAsync(url))) vs hyparquet's own
// asyncBufferFromUrl (one Range request per slice it asks for). Bytes transferred
// and time, side by side. The file (8 DOUBLE columns × 4 Mi rows, uncompressed, one
// row group per Mi rows) is written once by hyparquet-writer into the bench data dir.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromUrl, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DATA_DIR, median, seconds, spread, MiB } from './lib.mjs';
import { row } from './native.mjs';
import { serve } from './remote.mjs';

const ROWS = 4 * MiB;
const COLUMNS = 8;

function parquetFile() {
  const path = join(DATA_DIR, 'columns-256m.parquet');
  if (existsSync(path)) return path;
  console.error('parquet: writing the 256 MiB file once …');
  let x = 12345;
  const column = () => Array.from({ length: ROWS }, () => ((x = (x * 1103515245 + 12345) >>> 0) / 4096));
  const columnData = Array.from({ length: COLUMNS }, (_, i) => ({ name: `c${i}`, data: column(), type: 'DOUBLE' }));
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData, codec: 'UNCOMPRESSED', rowGroupSize: MiB, statistics: false })));
  return path;
}

/** A fetch that counts the body bytes it is sent (Content-Length; nginx always sends one), leaving the response as it is. */
function countingFetch() {
  const counter = {
    bytes: 0,
    requests: 0,
    fetch: async (input, init) => {
      counter.requests++;
      const response = await fetch(input, init);
      if (init?.method !== 'HEAD') counter.bytes += Number(response.headers.get('content-length'));
      return response;
    },
  };
  return counter;
}

async function readColumn(file, column) {
  let values = 0;
  await parquetRead({ file, columns: [column], onChunk: ({ columnData }) => (values += columnData.length) });
  if (values !== ROWS) throw new Error(`read ${values} values of ${column}, not ${ROWS}`);
}

export async function parquetGroups({ openMapAsync, reps, adapters }) {
  const server = await serve(parquetFile());
  const rows = [];
  try {
    const results = { map: [], url: [] };
    const run = {
      map: async () => {
        const t = process.hrtime.bigint();
        const map = await openMapAsync(server.url, { maxResident: 64 * MiB });
        const file = adapters.asAsyncBuffer(map);
        await readColumn(file, 'c5');
        const bytes = map.stats().bytesRead;
        const requests = map.stats().requests;
        await map.close();
        return { time: seconds(t), bytes, requests };
      },
      url: async () => {
        const t = process.hrtime.bigint();
        const counter = countingFetch();
        const file = await asyncBufferFromUrl({ url: server.url, fetch: counter.fetch });
        await parquetMetadataAsync(file); // as parquetRead would; counted
        await readColumn(file, 'c5');
        return { time: seconds(t), bytes: counter.bytes, requests: counter.requests };
      },
    };
    for (const name of Object.keys(run)) await run[name](); // warm-up
    for (let rep = 0; rep < reps; rep++) for (const name of rep % 2 ? ['url', 'map'] : ['map', 'url']) results[name].push(await run[name]());
    const size = (await (await fetch(server.url, { method: 'HEAD' })).headers.get('content-length')) * 1;
    const pick = (name, key) => results[name].map((r) => r[key]);
    rows.push(row(`hyparquet, one column of eight of a ${(size / MiB).toFixed(0)} MiB file over nginx: asAsyncBuffer(openMapAsync(url)) vs asyncBufferFromUrl, time`,
      pick('map', 'time'), pick('url', 'time'), 's', 'speed ratio', '(no target)', () => true));
    const mb = (name) => median(pick(name, 'bytes')) / MiB;
    rows.push({ name: 'the same: bytes transferred (and requests), map vs asyncBufferFromUrl', value: `${mb('map').toFixed(1)} MiB in ${median(pick('map', 'requests'))} requests vs ${mb('url').toFixed(1)} MiB in ${median(pick('url', 'requests'))}`,
      ratio: `${(mb('map') / mb('url')).toFixed(2)}× the bytes`, target: '≤ 1.1× the bytes', pass: mb('map') <= 1.1 * mb('url'),
      numbers: spread(pick('map', 'bytes').map((bytes, i) => bytes / pick('url', 'bytes')[i]), [1.1], 'the bytes') });
  } finally {
    await server.stop();
  }
  return rows;
}
