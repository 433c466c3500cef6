// Shared benchmark plumbing: data files, interleaved reps, medians, ratios, machine facts.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..');
export const DATA_DIR = process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'portable-mmap-bench');
export const MiB = 1 << 20;
export const GiB = 1 << 30;

/** The 16-byte needle planted at the very end of the data file; 0xFF occurs nowhere else. */
export const NEEDLE = Uint8Array.from([0x6e, 0x65, 0x65, 0x64, 0x6c, 0x65, 0x2d, 0x61, 0x74, 0x2d, 0x74, 0x68, 0x65, 0x65, 0x6e, 0xff]);

function xorshiftFill(buf, seed) {
  const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0xff) buf[i] = 0xfe; // keep 0xFF for the needle
}

/** A deterministic binary file of `size` bytes whose last 16 bytes are NEEDLE. */
export function dataFile(size, name = `data-${size}.bin`) {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, name);
  if (existsSync(path) && statSync(path).size === size) return path;
  const fd = openSync(path, 'w');
  const chunk = new Uint8Array(8 * MiB);
  for (let at = 0, i = 0; at < size; at += chunk.length, i++) {
    xorshiftFill(chunk, 0x9e3779b9 + i);
    const n = Math.min(chunk.length, size - at);
    if (at + n === size) chunk.set(NEEDLE, n - NEEDLE.length);
    writeSync(fd, chunk, 0, n, at);
  }
  closeSync(fd);
  return path;
}

/** A text file of printable lines of 60–140 characters (mean ~100 B): the shape of a typical log file. */
export function textFile(size, name = `text-${size}.txt`) {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, name);
  if (existsSync(path) && statSync(path).size === size) return path;
  const out = new Uint8Array(size);
  let x = 12345;
  let at = 0;
  while (at < size) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const len = 60 + (x % 81);
    for (let i = 0; i < len && at < size; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      out[at++] = 0x20 + ((x >>> 16) % 95);
    }
    if (at < size) out[at++] = 0x0a;
  }
  const fd = openSync(path, 'w');
  writeSync(fd, out);
  closeSync(fd);
  return path;
}

/**
 * Puts the file in the page cache in a known state: first evicted (posix_fadvise
 * DONTNEED, through python3, as Node has no fadvise), then read start to end, so the
 * cache holds it in large folios (docs/BENCHMARKS.md, "Page cache state is controlled"). A cache filled piecemeal — or thinned by this VM's DAMON pageout scheme —
 * maps in 4 KiB pages and makes every contender several times slower.
 */
export function warm(path) {
  spawnSync('python3', ['-c', 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)', path]);
  readWhole(path);
}

function readWhole(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 * MiB);
  for (let pos = 0; readSync(fd, buf, 0, buf.length, pos) > 0; pos += buf.length);
  closeSync(fd);
}

/** Seeded positions in [0, limit). */
export function positions(count, limit, seed = 42) {
  const out = new Float64Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const hi = (Math.imul(x, 2654435761) >>> 0) / 2 ** 32;
    out[i] = Math.floor((hi + x / 2 ** 64) * limit);
  }
  return out;
}

export const now = () => process.hrtime.bigint();
export const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/** What the timed bodies returned, kept so that no engine can drop their work. */
export let kept = 0;

/**
 * ns per op of `body(count)`, which runs `count` ops and returns what they add up to. A
 * body sums into a local and returns it: summing into a variable outside the loop (a
 * closure's) boxes every floating-point sum into a new heap number, and on this machine
 * that took ~45 ns of the ~58 ns a random DataView read over 1 GiB measured so, by
 * stopping the CPU from overlapping the loads' cache misses (13 ns with a local).
 */
export function nsPerOp(count, body) {
  const t = now();
  const result = body(count);
  const ns = Number(now() - t) / count;
  kept += typeof result === 'number' ? result : 0;
  return ns;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs each contender once per rep, in an order rotated every rep (AB, BA, …),
 * after one warm-up round. Each contender returns its figure for that rep.
 * Returns { name: [figure per rep] }.
 */
export function interleave(reps, contenders) {
  const names = Object.keys(contenders);
  for (const name of names) contenders[name]();
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? names : [...names].reverse();
    for (const name of order) out[name].push(contenders[name]());
  }
  return out;
}

/** Per-rep ratios a/b, then their median, min and max. */
export function ratio(a, b) {
  const r = a.map((x, i) => x / b[i]);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r), n: r.length };
}

export function fmt(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(digits)).toString();
}

function firstLine(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return 'not found';
  }
}

export function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const kernel = firstLine('uname', ['-r']);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const peer = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    cpu: `${cpu}, ${cpus().length} cores`,
    memory: `${Math.round(totalmem() / GiB)} GiB`,
    kernel: `Linux ${kernel}`,
    node: process.version,
    python: firstLine('python3', ['--version']),
    bun: firstLine(join(ROOT, 'node_modules', '.bin', 'bun'), ['--version']),
    gcc: firstLine('gcc', ['--version']),
    'portable-mmap': pkg.version,
    '@riaskov/mmap-io': peer('@riaskov/mmap-io'),
    date: new Date().toISOString().slice(0, 10),
  };
}

/** Compiles a C contender once (gcc -O2), returning the binary's path. */
export function compileC(name) {
  const src = join(HERE, 'contenders', `${name}.c`);
  const out = join(DATA_DIR, name);
  mkdirSync(DATA_DIR, { recursive: true });
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('gcc', ['-O2', '-D_GNU_SOURCE', '-o', out, src], { stdio: 'inherit' });
  }
  return out;
}

/** Runs an external contender that prints one number (its own timing of one warm rep) and returns it. */
export function external(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return Number(r.stdout.trim().split('\n').pop());
}

/**
 * The numbers a chart draws for one row: the median and the spread (min–max over reps) of
 * per-rep figures `xs`, the numeric targets (none, one, or the two ends of a band) and what
 * the figure is (`kind`, e.g. 'speed-up').
 */
export function spread(xs, goals, kind) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), goals, kind };
}

/**
 * The numbers in a target's text: '≥ 15×' and '≤ 1.5× the time' give [15] and [1.5],
 * 'within ±10 %' gives [0.9, 1.1]; a target without a number ('(no target)') gives [].
 */
export function targetNumbers(text) {
  const bound = /^[≥≤<>]\s*([\d.]+)\s*×/.exec(text);
  if (bound) return [Number(bound[1])];
  const band = /^within ±([\d.]+) %/.exec(text);
  return band ? [1 - band[1] / 100, 1 + band[1] / 100] : [];
}

const SIZE_UNITS = { K: 1024, M: MiB, G: GiB };

/** '256M', '1G', '64G', or a number of bytes → bytes. */
export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([KMG])?i?B?$/i.exec(String(text).trim());
  if (!m) throw new Error(`not a size: ${text} (use e.g. 256M or 1G)`);
  return Math.round(Number(m[1]) * (m[2] ? SIZE_UNITS[m[2].toUpperCase()] : 1));
}

/** 1048576 → '1 MiB', 68719476736 → '64 GiB'. */
export function sizeLabel(byteLength) {
  if (byteLength >= GiB) return `${byteLength / GiB} GiB`;
  if (byteLength >= MiB) return `${byteLength / MiB} MiB`;
  return `${byteLength / 1024} KiB`;
}
