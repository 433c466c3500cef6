// node examples/workerd/build.mjs — bundles worker.ts as wrangler would (conditions workerd,
// worker, browser), keeping the pager's .wasm as a separate module next to it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
mkdirSync(here('./dist'), { recursive: true });
await build({
  entryPoints: [here('./worker.ts')],
  outfile: here('./dist/worker.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  plugins: [{ name: 'pager', setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './pager.wasm', external: true })) }],
});
copyFileSync(fileURLToPath(import.meta.resolve('portable-mmap/pager.wasm')), here('./dist/pager.wasm'));
