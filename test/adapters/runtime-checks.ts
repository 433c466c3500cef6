/**
 * What test/adapters/runtimes.test.ts asks of workerd and Chromium: examples/parquet-edge.mjs
 * answering a query (asAsyncBuffer), and hyparquet's own asyncBufferFromUrl reading
 * through asFetch() over a remote map. Both against the test's nginx; one JSON line each.
 */
import { asyncBufferFromUrl, parquetReadObjects } from 'hyparquet';
import { openMapAsync } from 'portable-mmap';
import { asFetch } from 'portable-mmap/adapters';
import example from '../../examples/parquet-edge.mjs';

type Handler = { fetch(request: Request, env: { DATA_URL?: string }): Promise<Response> };

export async function runChecks(dataUrl: string): Promise<string[]> {
  const answer = await (example as unknown as Handler).fetch(new Request('http://worker/?column=c3&from=100&to=105'), { DATA_URL: dataUrl });
  const edge = `PARQUET_EDGE ${answer.status} ${await answer.text()}`;
  const map = await openMapAsync(dataUrl);
  try {
    const url = 'https://objects.example/table.parquet';
    const file = await asyncBufferFromUrl({ url, fetch: asFetch(map, url) });
    const rows = await parquetReadObjects({ file, columns: ['c5'], rowStart: 7, rowEnd: 10 });
    return [edge, `AS_FETCH ${JSON.stringify({ backend: map.backend, values: rows.map((row) => row.c5) })}`];
  } finally {
    await map.close();
  }
}
