// Benchmarks of the native backend against fs.readSync, @riaskov/mmap-io, C memmem and Python's mmap.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { NEEDLE, compileC, dataFile, external, interleave, median, now, nsPerOp, positions, ratio, targetNumbers, textFile, warm, GiB, HERE, MiB } from './lib.mjs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const hex = Buffer.from(NEEDLE).toString('hex');

/**
 * Seconds of one timed call of `fn` after one untimed call: what the external contenders
 * (C memmem, Python) do inside their own process, so each side is timed warm.
 */
export function warmSeconds(fn) {
  fn();
  const t = now();
  fn();
  return Number(now() - t) / 1e9;
}

export function nativeGroups({ openMap, reps }) {
  const big = dataFile(GiB);
  const text = textFile(64 * MiB);
  warm(big);
  warm(text);
  const mmapio = require('@riaskov/mmap-io');
  const fd = openSync(big, 'r');
  const N = 1_000_000;
  const FS_N = 100_000;
  const pos = positions(N, GiB - 8);
  const rows = [];
  let sink = 0;

  const map = openMap(big, { backend: 'native' });
  const view = map.view();
  const dv = new DataView(view.buffer, view.byteOffset, view.byteLength);
  const peerBuf = mmapio.map(GiB, mmapio.PROT_READ, mmapio.MAP_SHARED, fd, 0);
  const peer = new DataView(peerBuf.buffer, peerBuf.byteOffset, peerBuf.byteLength);
  const eight = Buffer.alloc(8);
  const fsRead = (n) => { let s = 0; for (let i = 0; i < n; i++) s += readSync(fd, eight, 0, 8, pos[i]); return s; };

  // 1. random 8-byte reads through a DataView over view(), vs pread, vs mmap-io's buffer
  const r1 = interleave(reps, {
    fs: () => nsPerOp(FS_N, fsRead),
    view: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += dv.getFloat64(pos[i], true); return s; }),
    mmapio: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += peer.getFloat64(pos[i], true); return s; }),
  });
  rows.push(
    row('random 8-byte read: DataView over view() vs fs.readSync', r1.view, r1.fs, 'ns/op', 'speed-up', '≥ 15×', (x) => x >= 15),
    row('random 8-byte read: DataView over view() vs the same over @riaskov/mmap-io', r1.view, r1.mmapio, 'ns/op', 'speed-up', 'within ±10 %', (x) => x >= 0.9 && x <= 1.1),
  );

  // 2. typed getters, and what their checks (arguments, state, truncation word) cost over a bare DataView
  const r2 = interleave(reps, {
    fs: () => nsPerOp(FS_N, fsRead),
    bareUint32: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += dv.getUint32(pos[i], true); return s; }),
    bareFloat64: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += dv.getFloat64(pos[i], true); return s; }),
    getUint32: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += map.getUint32(pos[i], true); return s; }),
    getFloat64: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += map.getFloat64(pos[i], true); return s; }),
  });
  rows.push(
    row('random getUint32(pos) vs fs.readSync', r2.getUint32, r2.fs, 'ns/op', 'speed-up', '≥ 10×', (x) => x >= 10),
    row('random getFloat64(pos) vs fs.readSync', r2.getFloat64, r2.fs, 'ns/op', 'speed-up', '(no target)', () => true),
    row('random getUint32(pos) vs DataView#getUint32 over view() (the checks)', r2.getUint32, r2.bareUint32, 'ns/op', 'time ratio', '≤ 1.15× the time', (x) => x <= 1.15, true),
    row('random getFloat64(pos) vs DataView#getFloat64 over view() (the checks)', r2.getFloat64, r2.bareFloat64, 'ns/op', 'time ratio', '≤ 1.15× the time', (x) => x <= 1.15, true),
  );

  // 3. read(pos, 8): a copy, vs the getter, vs pread and vs a raw Uint8Array.prototype.slice of the mapping
  const r3 = interleave(reps, {
    fs: () => nsPerOp(FS_N, fsRead),
    read: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += map.read(pos[i], 8)[0]; return s; }),
    getUint32: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += map.getUint32(pos[i], true); return s; }),
    slice: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += Uint8Array.prototype.slice.call(peerBuf, pos[i], pos[i] + 8)[0]; return s; }),
  });
  rows.push(
    row('random read(pos, 8) vs getUint32(pos)', r3.read, r3.getUint32, 'ns/op', 'time ratio', '≤ 2× the time', (x) => x <= 2, true),
    row('random read(pos, 8) vs fs.readSync', r3.read, r3.fs, 'ns/op', 'speed-up', '≥ 8×', (x) => x >= 8),
    row('random read(pos, 8) vs Uint8Array#slice of 8 bytes of a raw mapping', r3.read, r3.slice, 'ns/op', 'time ratio', '≤ 1.5× the time', (x) => x <= 1.5, true),
  );

  // 4. find a 16-byte needle at the very end of a cached 1 GiB file
  const memmem = compileC('memmem');
  const python = join(HERE, 'contenders', 'python_mmap.py');
  const r4 = interleave(reps, {
    find: () => warmSeconds(() => (sink += map.find(NEEDLE))),
    memmem: () => external(memmem, [big, hex]),
    python: () => external('python3', [python, 'find', big, hex]),
  });
  rows.push(
    row('find(16-byte needle) at the end of 1 GiB vs C memmem', r4.find, r4.memmem, 's', 'speed ratio', '≥ 0.9×', (x) => x >= 0.9),
    row("find(16-byte needle) at the end of 1 GiB vs Python's mmap.find", r4.find, r4.python, 's', 'speed ratio', '(Python ~0.5× memmem)', () => true),
  );

  // 5. lines() over 64 MiB of ~100-byte lines vs Python's readline loop
  const textMap = openMap(text, { backend: 'native' });
  const r5 = interleave(reps, {
    lines: () => warmSeconds(() => {
      for (const line of textMap.cursor().lines()) sink += line.length > 0 ? 1 : 0;
    }),
    python: () => external('python3', [python, 'lines', text]),
  });
  rows.push(row("cursor().lines() vs Python's mmap.readline loop (64 MiB text)", r5.lines, r5.python, 's', 'speed ratio', '≥ 2×', (x) => x >= 2));

  // 5b. lines({ encoding: 'utf8' }): strings, vs Node's readline and Python's text-mode loop
  const readline = join(HERE, 'contenders', 'node_readline.mjs');
  const r5b = interleave(reps, {
    text: () => warmSeconds(() => {
      for (const line of textMap.cursor().lines({ encoding: 'utf8' })) sink += line.length > 0 ? 1 : 0;
    }),
    readline: () => external(process.execPath, [readline, text]),
    python: () => external('python3', [python, 'text', text]),
  });
  rows.push(
    row("cursor().lines({ encoding: 'utf8' }) vs Node's readline over fs.createReadStream (64 MiB text)", r5b.text, r5b.readline, 's', 'speed ratio', '≥ 5×', (x) => x >= 5),
    row("cursor().lines({ encoding: 'utf8' }) vs Python's for line in open(f, encoding='utf-8')", r5b.text, r5b.python, 's', 'speed ratio', '≥ 1.0×', (x) => x >= 1.0),
  );
  textMap.close();

  // 6. openMap + close of a 1 GiB file, vs @riaskov/mmap-io's map() alone (it has no unmap)
  const OPENS = 200;
  const r6 = interleave(reps, {
    openClose: () => {
      const times = [];
      for (let i = 0; i < OPENS; i++) {
        const t = now();
        openMap(big, { backend: 'native' }).close();
        times.push(Number(now() - t) / 1e6);
      }
      return median(times);
    },
    mmapioMap: () => {
      const times = [];
      for (let i = 0; i < 20; i++) {
        const t = now();
        mmapio.map(GiB, mmapio.PROT_READ, mmapio.MAP_SHARED, fd, 0);
        times.push(Number(now() - t) / 1e6);
      }
      return median(times);
    },
  });
  rows.push({
    name: 'openMap + close() of 1 GiB (median of 200 per rep)',
    value: `${fmtMs(median(r6.openClose))} ms (mmap-io map() alone: ${fmtMs(median(r6.mmapioMap))} ms)`,
    ratio: '',
    target: '< 0.1 ms',
    pass: median(r6.openClose) < 0.1,
  });

  map.close();
  closeSync(fd);
  if (sink === 0.5) console.log('');
  return rows;
}

function fmtMs(x) {
  return x < 0.1 ? x.toFixed(4) : x.toFixed(2);
}

/**
 * One result row. `ours` and `theirs` are per-rep figures of the same unit where lower
 * is better (ns/op or s); the ratio is theirs/ours (a speed-up), or ours/theirs when
 * `asTime` (a time ratio). `numbers` carries the same ratio unformatted, for the charts:
 * median, min, max, the target's numbers (lib.mjs targetNumbers()) and `kind`.
 */
export function row(name, ours, theirs, unit, kind, target, meets, asTime = false) {
  const r = asTime ? ratio(ours, theirs) : ratio(theirs, ours);
  const show = (xs) => `${median(xs).toPrecision(3)} ${unit}`;
  return {
    name,
    value: `${show(ours)} vs ${show(theirs)}`,
    ratio: `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}, n=${r.n}) ${kind}`,
    target,
    pass: meets(r.median),
    numbers: { median: r.median, min: r.min, max: r.max, goals: targetNumbers(target), kind },
  };
}
