// node test/runtimes/edge-host.mjs BUNDLE [REQUEST] — evaluates a script bundle in the edge-runtime
// package's vm (what `next dev` and Vercel use locally). Without REQUEST it prints the bundle's
// conformance report; with REQUEST (JSON: { url, method?, headers?, body? }) it dispatches that
// request to the bundle's fetch handler and prints the answer.
import { readFileSync } from 'node:fs';
import { EdgeRuntime } from 'edge-runtime';

const runtime = new EdgeRuntime({ initialCode: readFileSync(process.argv[2], 'utf8') });
if (process.argv[3] === undefined) {
  console.log(`PORTABLE_MMAP_RESULT ${await runtime.evaluate('runConformance()')}`);
} else {
  const { url, ...init } = JSON.parse(process.argv[3]);
  const response = await runtime.dispatchFetch(url, init);
  console.log(await response.text());
}
