// A Cloudflare Workers (workerd) / Vercel Edge style handler: map a big remote object
// with openMapAsync() and answer with a slice of it, fetched with HTTP Range requests
// a page run at a time, never the whole object. The object's URL comes from the
// binding DATA_URL (wrangler: `[vars] DATA_URL = "https://…"`), else `/data/big.bin`
// on the worker's own origin. Query: ?offset=&length= (default: the first MiB).
//
// The response body is map.stream(): it holds its own lease on the map, so it keeps
// streaming after the handler has closed the map (as `await using` would on return).
import { openMapAsync } from 'portable-mmap';

const MiB = 1 << 20;

function integer(value, fallback) {
  if (value === null) return fallback;
  const number = Number(value);
  return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

export default {
  async fetch(request, env = {}) {
    const url = new URL(request.url);
    const source = env.DATA_URL ?? new URL('/data/big.bin', url).href;
    const map = await openMapAsync(source, { maxResident: 8 * MiB });
    try {
      const offset = integer(url.searchParams.get('offset'), 0);
      const length = integer(url.searchParams.get('length'), MiB);
      if (offset === undefined || length === undefined || offset > map.byteLength) {
        return new Response(`offset and length must be integers, offset at most ${map.byteLength}\n`, { status: 400 });
      }
      const tail = await map.read(Math.max(0, map.byteLength - 8), 8); // one small Range request
      return new Response(map.stream(offset, length), {
        headers: {
          'content-type': 'application/octet-stream',
          'x-object-length': String(map.byteLength),
          'x-object-tail': Array.from(tail, (b) => b.toString(16).padStart(2, '0')).join(''),
        },
      });
    } finally {
      await map.close(); // the stream keeps reading through its own lease
    }
  },
};
