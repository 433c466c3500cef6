// The sections of docs/BENCHMARKS.md and their charts: a group's table of ratios (one chart of
// the ratios), or the scaling group's curves (a table and a line chart each, with sentences
// generated from the numbers). writeDocs() replaces the sections in BENCHMARKS.md and writes
// the charts as SVG files beside it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curveSpec, ratioSpec, toSvg } from './charts.mjs';
import { fmt, sizeLabel, ROOT } from './lib.mjs';

const link = (chart) => `![${chart.alt}](${chart.file})`;

/** A group's section: the table of rows (text unchanged by the charts) and its ratio chart. */
export function ratioSection(name, intro, rows) {
  const charts = rows.some((r) => r.numbers)
    ? [{ file: `bench-ratios-${name}.svg`, alt: `${name}: the ratio of each row, median and min–max over reps, with its target`, spec: ratioSpec(name, rows) }]
    : [];
  const lines = [
    `## ${name}`,
    '',
    intro,
    '',
    '| benchmark | medians (ours vs theirs) | ratio (min–max) | target | met |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.ratio} | ${r.target} | ${r.pass ? 'yes' : '**no**'} |`),
    '',
    ...charts.flatMap((chart) => [link(chart), '']),
  ];
  return { name, text: lines.join('\n'), charts };
}

/** The scaling group's section: per curve a heading, what to look for and what was measured, a table and a chart. */
export function curveSection(name, intro, curves) {
  const lines = [`## ${name}`, '', intro, ''];
  const charts = [];
  for (const curve of curves) {
    const chart = { file: `bench-${name}-${curve.id}.svg`, alt: curve.title, spec: curveSpec(curve) };
    charts.push(chart);
    lines.push(`### ${curve.title}`, '', `${curve.look} Measured: ${measured(curve)}`, '', ...curveTable(curve), '', link(chart), '');
  }
  return { name, text: lines.join('\n'), charts };
}

/** Every series of every panel, first and last point, and its largest step between neighbouring sizes. */
function measured(curve) {
  const sentences = [];
  for (const panel of curve.panels) {
    for (const [series, points] of bySeries(panel.points)) {
      const first = points[0];
      const last = points.at(-1);
      let text = `${series}: ${fmt(first.median)} ${panel.unit} at ${sizeLabel(first.byteLength)}`;
      if (points.length > 1) text += `, ${fmt(last.median)} at ${sizeLabel(last.byteLength)} (${fmt(last.median / first.median, 2)}× the first, for ${fmt(last.byteLength / first.byteLength)}× the size)`;
      if (points.length > 2) {
        const steps = points.slice(1).map((p, i) => ({ from: points[i], to: p, factor: p.median / points[i].median }));
        const big = steps.reduce((a, b) => (Math.abs(Math.log(b.factor)) > Math.abs(Math.log(a.factor)) ? b : a));
        text += `; its largest step is ${fmt(big.factor, 2)}×, from ${sizeLabel(big.from.byteLength)} to ${sizeLabel(big.to.byteLength)}`;
      }
      sentences.push(text);
    }
  }
  return `${sentences.join('. ')}.`;
}

function bySeries(points) {
  const out = new Map();
  for (const p of points) out.set(p.series, [...(out.get(p.series) ?? []), p]);
  for (const list of out.values()) list.sort((a, b) => a.byteLength - b.byteLength);
  return out;
}

function curveTable(curve) {
  const columns = curve.panels.flatMap((panel) => [...bySeries(panel.points)].map(([series, points]) => ({ head: `${series}, ${panel.unit}`, points })));
  const sizes = [...new Set(columns.flatMap((c) => c.points.map((p) => p.byteLength)))].sort((a, b) => a - b);
  const cell = (points, byteLength) => {
    const p = points.find((q) => q.byteLength === byteLength);
    return p ? `${fmt(p.median)} (${fmt(p.min)}–${fmt(p.max)})` : '–';
  };
  return [
    `| file size | ${columns.map((c) => `${c.head} median (min–max)`).join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
    ...sizes.map((s) => `| ${sizeLabel(s)} | ${columns.map((c) => cell(c.points, s)).join(' | ')} |`),
  ];
}

const NEW_DOC = '# Benchmarks\n\nRun with `npm run bench` (build first). Figures are from one machine; ratios matter more than absolute numbers.\n';

/**
 * Replaces each section (and the machine's) in `outDir`/BENCHMARKS.md — starting from
 * docs/BENCHMARKS.md when `outDir` has none yet — and writes every chart there as SVG.
 * Returns the paths written.
 */
export async function writeDocs(outDir, sections, machineText) {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'BENCHMARKS.md');
  const base = existsSync(path) ? path : join(ROOT, 'docs', 'BENCHMARKS.md');
  let doc = existsSync(base) ? readFileSync(base, 'utf8') : NEW_DOC;
  const replace = (title, text) => {
    const re = new RegExp(`## ${title}\\n[\\s\\S]*?(?=\\n## |$)`);
    doc = re.test(doc) ? doc.replace(re, () => text.trimEnd()) : `${doc.trimEnd()}\n\n${text.trimEnd()}`;
  };
  for (const s of sections) replace(s.name, s.text);
  replace('Machine', machineText);
  writeFileSync(path, `${doc.trimEnd()}\n`);
  const written = [path];
  for (const chart of sections.flatMap((s) => s.charts)) {
    const file = join(outDir, chart.file);
    writeFileSync(file, await toSvg(chart.spec));
    written.push(file);
  }
  return written;
}
