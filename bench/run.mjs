// npm run bench [-- --only native|wasm|remote|parquet] [--reps 7] [--write]
// Runs the benchmarks side by side in one process, prints a table of ratios, and with
// --write replaces the matching section of docs/BENCHMARKS.md.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { machine, ROOT } from './lib.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const reps = Number(flag('reps', 7));
const only = flag('only', undefined);
const write = args.includes('--write');

const { openMap, openMapAsync, detectBackend, fileCache } = await import(join(ROOT, 'dist/entries/node.js'));
const groups = {
  native: {
    backend: () => `native (${detectBackend().reason})`,
    run: async () => (await import('./native.mjs')).nativeGroups({ openMap, reps }),
  },
  wasm: {
    backend: () => 'wasm (the pager, forced with backend: \'wasm\')',
    run: async () => (await import('./wasm.mjs')).wasmGroups({ openMap, reps }),
  },
  remote: {
    backend: () => 'wasm (openMapAsync over HTTP Range requests to nginx on 127.0.0.1)',
    run: async () => (await import('./remote.mjs')).remoteGroups({ openMapAsync, fileCache, reps }),
  },
  parquet: {
    backend: () => 'wasm (openMapAsync over HTTP Range requests to nginx on 127.0.0.1), through portable-mmap/adapters',
    run: async () => (await import('./parquet.mjs')).parquetGroups({ openMapAsync, reps, adapters: await import(join(ROOT, 'dist/adapters/index.js')) }),
  },
};

const facts = machine();
const sections = [];
for (const [name, group] of Object.entries(groups)) {
  if (only && only !== name) continue;
  if (!existsSync(join(ROOT, 'bench', `${name}.mjs`))) continue;
  console.error(`running ${name} …`);
  const rows = await group.run();
  const lines = [
    `## ${name}`,
    '',
    `Measured ${facts.date} with \`npm run bench -- ${args.filter((a) => a !== '--write').join(' ')}\`; medians of ${reps} interleaved reps (after a warm-up round), ratios per rep. Backend: ${group.backend()}.`,
    '',
    '| benchmark | medians (ours vs theirs) | ratio (min–max) | target | met |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.ratio} | ${r.target} | ${r.pass ? 'yes' : '**no**'} |`),
    '',
  ];
  console.log(lines.join('\n'));
  sections.push({ name, text: lines.join('\n') });
}

const machineText = ['## Machine', '', ...Object.entries(facts).map(([k, v]) => `- ${k}: ${v}`), ''].join('\n');
console.log(machineText);

if (write) {
  const path = join(ROOT, 'docs', 'BENCHMARKS.md');
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\nRun with `npm run bench` (build first). Figures are from one machine; ratios matter more than absolute numbers.\n';
  const replace = (title, text) => {
    const re = new RegExp(`## ${title}\\n[\\s\\S]*?(?=\\n## |$)`);
    doc = re.test(doc) ? doc.replace(re, text.trimEnd()) : `${doc.trimEnd()}\n\n${text.trimEnd()}`;
  };
  for (const s of sections) replace(s.name, s.text);
  replace('Machine', machineText);
  writeFileSync(path, `${doc.trimEnd()}\n`);
  console.error(`wrote ${path}`);
}
