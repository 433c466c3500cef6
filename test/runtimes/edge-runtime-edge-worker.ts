/** edge-runtime entry: examples/edge-worker.mjs behind a fetch event listener, answering in one line. */
import { describe, serve } from './edge-worker-wrapper.js';

addEventListener('fetch', (event) => {
  const e = event as Event & { request: Request; respondWith(r: Promise<Response>): void };
  e.respondWith(serve(e.request).then(async (response) => new Response(`EDGE_WORKER ${await describe(response)}`)));
});
