// A Vercel Edge function (Next.js route or `api/` function with runtime 'edge') that maps the
// request body and returns its lines in reverse. The edge-light entry imports the pager's
// .wasm as a module, the form Vercel's bundler turns into a compiled WebAssembly.Module.
import { openMap } from 'portable-mmap';

export const config = { runtime: 'edge' };

export default async function handler(request: Request): Promise<Response> {
  using map = openMap(new Uint8Array(await request.arrayBuffer()));
  const decoder = new TextDecoder();
  const lines = [...map.cursor().lines()].map((line) => decoder.decode(line).trimEnd());
  return new Response(lines.reverse().join('\n'));
}
