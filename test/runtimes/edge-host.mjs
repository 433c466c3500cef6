// node test/runtimes/edge-host.mjs BUNDLE [BODY] — evaluates a script bundle in the edge-runtime
// package's vm (what `next dev` and Vercel use locally). Without BODY it prints the bundle's
// conformance report; with BODY it POSTs BODY to the bundle's fetch handler and prints the answer.
import { readFileSync } from 'node:fs';
import { EdgeRuntime } from 'edge-runtime';

const runtime = new EdgeRuntime({ initialCode: readFileSync(process.argv[2], 'utf8') });
if (process.argv[3] === undefined) {
  console.log(`PORTABLE_MMAP_RESULT ${await runtime.evaluate('runConformance()')}`);
} else {
  const response = await runtime.dispatchFetch('http://localhost/', { method: 'POST', body: process.argv[3] });
  console.log(await response.text());
}
