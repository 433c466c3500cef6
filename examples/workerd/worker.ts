// A Cloudflare Worker that maps the bytes of an upload and searches them. Build and run:
//   node examples/workerd/build.mjs && npx workerd test examples/workerd/config.capnp
// (with wrangler, `wrangler dev` bundles it the same way: the package's `workerd` entry
// imports the pager's .wasm as a compiled module, since workerd forbids compiling bytes).
import { detectBackend, openMap } from 'portable-mmap';

async function handle(request: Request): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer());
  using map = openMap(body); // 'maxResident' defaults to 32 MiB on workerd
  const needle = new URL(request.url).searchParams.get('find') ?? '';
  return Response.json({ backend: detectBackend().backend, bytes: map.byteLength, found: map.find(needle) });
}

export default {
  fetch: handle,
  // `workerd test` calls this: one request through the handler.
  async test(): Promise<void> {
    const response = await handle(new Request('http://example/?find=needle', { method: 'POST', body: 'hay hay needle hay' }));
    console.log(JSON.stringify(await response.json()));
  },
};
