// npm run bench [-- --only native|wasm|bun|remote|parquet|scaling[,…]] [--reps 7] [--max-size 64G] [--write] [--out DIR]
// Runs the benchmarks side by side in one process and prints their tables; with --write it
// replaces the matching sections of docs/BENCHMARKS.md and writes their charts (SVG) beside it.
// --out DIR writes BENCHMARKS.md (starting from docs/'s) and the charts into DIR instead, e.g. to
// check the charts without touching the measured docs. --max-size cuts the scaling group's sizes.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machine, parseSize, ROOT } from './lib.mjs';
import { curveSection, ratioSection, writeDocs } from './report.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const reps = Number(flag('reps', 7));
const only = flag('only', undefined)?.split(',');
const write = args.includes('--write');
const outDir = resolve(flag('out', join(ROOT, 'docs')));
const maxSize = args.includes('--max-size') ? parseSize(flag('max-size')) : Infinity;
const shownArgs = args.filter((a, i) => a !== '--write' && a !== '--out' && args[i - 1] !== '--out');

const { openMap, openMapAsync, detectBackend, fileCache } = await import(join(ROOT, 'dist/entries/node.js'));
let bunBackend = 'native, in Bun';
const groups = {
  native: {
    backend: () => `native (${detectBackend().reason})`,
    run: async () => (await import('./native.mjs')).nativeGroups({ openMap, reps }),
  },
  wasm: {
    backend: () => 'wasm (the pager, forced with backend: \'wasm\')',
    run: async () => (await import('./wasm.mjs')).wasmGroups({ openMap, reps }),
  },
  bun: {
    backend: () => bunBackend,
    run: async () => {
      const rows = (await import('./bun.mjs')).bunGroups({ reps });
      bunBackend = rows.bun;
      return rows;
    },
  },
  remote: {
    backend: () => 'wasm (openMapAsync over HTTP Range requests to nginx on 127.0.0.1)',
    run: async () => (await import('./remote.mjs')).remoteGroups({ openMapAsync, fileCache, reps }),
  },
  parquet: {
    backend: () => 'wasm (openMapAsync over HTTP Range requests to nginx on 127.0.0.1), through portable-mmap/adapters',
    run: async () => (await import('./parquet.mjs')).parquetGroups({ openMapAsync, reps, adapters: await import(join(ROOT, 'dist/adapters/index.js')) }),
  },
  scaling: {
    backend: () => `native (${detectBackend().reason}) and wasm (forced with backend: 'wasm'), against fs.readSync`,
    run: async () => (await import('./scaling.mjs')).scalingGroups({ openMap, reps, maxSize }),
  },
};

const facts = machine();
const sections = [];
for (const [name, group] of Object.entries(groups)) {
  if (only && !only.includes(name)) continue;
  if (!existsSync(join(ROOT, 'bench', `${name}.mjs`))) continue;
  console.error(`running ${name} …`);
  const result = await group.run();
  const intro = `Measured ${facts.date} with \`npm run bench -- ${shownArgs.join(' ')}\`; medians of ${reps} interleaved reps (after a warm-up round)${result.curves ? '' : ', ratios per rep'}. Backend: ${group.backend()}.`;
  const section = result.curves ? curveSection(name, intro, result.curves) : ratioSection(name, intro, result);
  console.log(section.text);
  sections.push(section);
}

const machineText = ['## Machine', '', ...Object.entries(facts).map(([k, v]) => `- ${k}: ${v}`), ''].join('\n');
console.log(machineText);

if (write) {
  for (const path of await writeDocs(outDir, sections, machineText)) console.error(`wrote ${path}`);
}
