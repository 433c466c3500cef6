// Charts of benchmark results: vega-lite specs, compiled to vega and rendered headless to SVG
// (a vega View with renderer 'none' needs no canvas in Node). Two shapes: the ratio chart of a
// group's rows (median point, min–max rule over reps, target ticks) and the line chart of a
// scaling curve (log-scale file size on x, one line per contender).
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { sizeLabel } from './lib.mjs';

const FONT = { font: 'sans-serif', labelFont: 'sans-serif', titleFont: 'sans-serif' };
const CONFIG = { background: 'white', view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14, subtitleFontSize: 11 }, ...FONT };
const MARKS = { domain: ['median', 'min–max over reps', 'target'], range: ['#1f5fa8', '#8fb3de', '#d62728'] };

/** SVG text of a vega-lite spec. */
export async function toSvg(spec) {
  const view = new vega.View(vega.parse(compile({ config: CONFIG, ...spec }).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The ratio chart of one group: every row that carries `numbers` (lib.mjs spread(), native.mjs
 * row()), on a log x axis so that 0.5× and 2× sit as far from parity; rows without a ratio are
 * left to the table.
 */
export function ratioSpec(group, rows) {
  const values = rows.filter((r) => r.numbers).map((r, i) => ({ label: `${i + 1}. ${shorten(r.name)}`, ...r.numbers, kind: r.numbers.kind }));
  const goals = values.flatMap((v) => v.goals.map((goal) => ({ label: v.label, goal })));
  const all = values.flatMap((v) => [v.min, v.max, ...v.goals]).filter((x) => x > 0);
  const x = { type: 'quantitative', scale: { type: 'log', domain: [Math.min(...all, 1) / 1.3, Math.max(...all, 1) * 1.3], nice: false }, title: 'ratio (what it is: the kind after the label; > 1 is better except for a time ratio)' };
  // labelLimit generous: without a canvas vega estimates text widths, and over-estimates them
  const y = { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 1000 } };
  return {
    title: { text: `${group}: ratios per benchmark`, subtitle: 'point: median over reps; bar: min–max over reps; red tick: the target; grey line: parity (1×)' },
    width: 380,
    height: { step: 26 },
    layer: [
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { x: { field: 'one', ...x } } },
      { data: { values }, mark: { type: 'rule', strokeWidth: 3 }, encoding: { y, x: { field: 'min', ...x }, x2: { field: 'max' }, color: { datum: MARKS.domain[1], scale: MARKS, title: null } } },
      { data: { values }, mark: { type: 'point', filled: true, size: 60 }, encoding: { y, x: { field: 'median', ...x }, color: { datum: MARKS.domain[0] }, tooltip: [{ field: 'median', format: '.3f' }, { field: 'kind' }] } },
      { data: { values: goals }, mark: { type: 'tick', thickness: 2, size: 18 }, encoding: { y, x: { field: 'goal', ...x }, color: { datum: MARKS.domain[2] } } },
      { data: { values }, mark: { type: 'text', align: 'left', dx: 8, fontSize: 10, color: '#444' }, encoding: { y, x: { field: 'max', ...x }, text: { field: 'kind' } } },
    ],
  };
}

/** Row names run to 120 characters; the chart keeps the first 90, the table has them whole. */
function shorten(name) {
  return name.length <= 90 ? name : `${name.slice(0, 89)}…`;
}

/**
 * The line chart of one scaling curve: per panel (e.g. time, peak RSS) a layer of lines with
 * points at the medians and rules for the min–max over reps, x the file size on a log scale.
 * `curve.panels[i].points` are { series, byteLength, median, min, max }.
 */
export function curveSpec(curve) {
  const sizes = [...new Set(curve.panels.flatMap((p) => p.points.map((pt) => pt.byteLength)))].sort((a, b) => a - b);
  const labels = Object.fromEntries(sizes.map((s) => [s, sizeLabel(s)]));
  const x = {
    field: 'byteLength',
    type: 'quantitative',
    title: 'file size',
    scale: { type: 'log', domain: [sizes[0] / 1.5, sizes.at(-1) * 1.5], nice: false },
    axis: { values: sizes, labelExpr: `${JSON.stringify(labels)}[datum.value] || ''`, labelAngle: -40, grid: true },
  };
  const panel = (p) => {
    const y = { type: 'quantitative', title: p.title, scale: p.logY ? { type: 'log' } : { type: 'linear', zero: true } };
    const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 480 } };
    return {
      width: 440,
      height: 240,
      data: { values: p.points },
      layer: [
        { mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 }, encoding: { x, y: { field: 'min', ...y }, y2: { field: 'max' }, color } },
        { mark: { type: 'line', point: { filled: true, size: 40 } }, encoding: { x, y: { field: 'median', ...y }, color, tooltip: [{ field: 'series' }, { field: 'median', format: '.4g' }] } },
      ],
    };
  };
  const title = { text: curve.title, subtitle: 'points: medians over reps; vertical bars: min–max over reps; x on a log scale' };
  return curve.panels.length === 1 ? { title, ...panel(curve.panels[0]) } : { title, vconcat: curve.panels.map(panel), resolve: { scale: { color: 'shared' } } };
}
