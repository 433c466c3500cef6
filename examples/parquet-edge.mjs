// A Cloudflare Workers (workerd) / Vercel Edge style handler answering a query on a
// remote Parquet file through hyparquet: openMapAsync() maps the object, and
// asAsyncBuffer() hands the map to hyparquet, which reads the footer and then only
// the column chunk it needs, each a run of HTTP Range requests for the missing pages.
// The file's URL comes from the binding DATA_URL (wrangler: `[vars] DATA_URL = "https://…"`),
// else `/data/table.parquet` on the worker's own origin.
// Query: ?column=<name>&from=<row>&to=<row> (default: the first column's first 10 rows).
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { openMapAsync } from 'portable-mmap';
import { asAsyncBuffer } from 'portable-mmap/adapters';

const MiB = 1 << 20;

export default {
  async fetch(request, env = {}) {
    const url = new URL(request.url);
    const source = env.DATA_URL ?? new URL('/data/table.parquet', url).href;
    const map = await openMapAsync(source, { maxResident: 8 * MiB });
    try {
      const file = asAsyncBuffer(map);
      // 64 KiB holds most footers (hyparquet reads 512 KiB by default, and more when a footer is larger)
      const metadata = await parquetMetadataAsync(file, { initialFetchSize: 64 * 1024 });
      const names = parquetSchema(metadata).children.map((child) => child.element.name);
      const column = url.searchParams.get('column') ?? names[0];
      if (!names.includes(column)) return Response.json({ error: `no column ${column}; the file has ${names.join(', ')}` }, { status: 400 });
      const rowStart = Number(url.searchParams.get('from') ?? 0);
      const rowEnd = Number(url.searchParams.get('to') ?? rowStart + 10);
      const rows = await parquetReadObjects({ file, metadata, columns: [column], rowStart, rowEnd });
      return Response.json({
        rows: Number(metadata.num_rows),
        column,
        values: rows.map((row) => row[column]),
        fileBytes: map.byteLength,
        fetchedBytes: map.stats().bytesRead, // what the query cost in transfer
      });
    } finally {
      await map.close();
    }
  },
};
