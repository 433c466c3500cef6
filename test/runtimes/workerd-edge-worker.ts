/** `workerd test` entry: one request through examples/edge-worker.mjs, DATA_URL from env. */
import { describe, serve } from './edge-worker-wrapper.js';

export default {
  async test(_controller: unknown, env: { DATA_URL: string }): Promise<void> {
    const request = new Request('http://worker/?offset=1000&length=5000', { headers: { 'x-data-url': env.DATA_URL } });
    console.log(`EDGE_WORKER ${await describe(await serve(request))}`);
  },
};
