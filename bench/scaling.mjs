// Scaling curves: how openMap + close(), random 8-byte reads and a windowed wasm scan change
// with the file size. Each curve is a table and a line chart (log-scale size); the section's
// sentences are generated from the numbers (report.mjs), with what to look for said first.
// `maxSize` cuts every size list (npm run bench -- --only scaling --max-size 1G).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, HERE, dataFile, interleave, median, now, nsPerOp, positions, sizeLabel, warm, MiB } from './lib.mjs';

export const OPEN_SIZES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536].map((m) => m * MiB);
export const READ_SIZES = [16, 64, 256, 1024, 4096, 8192].map((m) => m * MiB);
export const SCAN_SIZES = [64, 256, 1024, 4096].map((m) => m * MiB);
const WASM_DEFAULT_RESIDENT = 256 * MiB; // MapOptions.maxResident's default (docs/api.md)
const SCAN_RESIDENT = 32 * MiB;

export function scalingGroups({ openMap, reps, maxSize = Infinity }) {
  const upTo = (sizes) => sizes.filter((s) => s <= maxSize);
  return {
    curves: [
      openCurve(openMap, reps, upTo(OPEN_SIZES)),
      readCurve(openMap, reps, upTo(READ_SIZES)),
      scanCurve(reps, upTo(SCAN_SIZES)),
    ].filter((curve) => curve.panels.every((p) => p.points.length > 0)),
  };
}

/** The points of one size: per contender its median and min–max over the reps. */
function pointsAt(byteLength, results, names = {}) {
  return Object.entries(results).map(([key, xs]) => ({ series: names[key] ?? key, byteLength, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }));
}

/** A sparse file of `byteLength` bytes (truncate): no disk space, no data, any size. */
function sparseFile(byteLength) {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `sparse-${byteLength}.bin`);
  if (!existsSync(path) || statSync(path).size !== byteLength) {
    closeSync(openSync(path, 'w'));
    truncateSync(path, byteLength);
  }
  return path;
}

function openCurve(openMap, reps, sizes) {
  const OPENS = 200;
  const openClose = (path, backend) => () => {
    const times = [];
    for (let i = 0; i < OPENS; i++) {
      const t = now();
      openMap(path, { backend }).close();
      times.push(Number(now() - t) / 1e6);
    }
    return median(times);
  };
  const points = sizes.flatMap((byteLength) => {
    const path = sparseFile(byteLength);
    return pointsAt(byteLength, interleave(reps, { native: openClose(path, 'native'), wasm: openClose(path, 'wasm') }));
  });
  return {
    id: 'open',
    title: `openMap + close() vs file size (sparse files; per rep the median of ${OPENS})`,
    look: 'Look for a flat line: neither backend touches the file\'s pages at open, so the size should only show where some per-map structure grows with it.',
    panels: [{ title: 'ms per openMap + close()', unit: 'ms', logY: true, points }],
  };
}

function readCurve(openMap, reps, sizes) {
  const N = 1_000_000;
  const SLOW_N = 100_000; // fs.readSync and the windowed wasm map fault or trap into the kernel per read
  const points = [];
  let sink = 0;
  for (const byteLength of sizes) {
    const path = dataFile(byteLength);
    warm(path);
    const pos = positions(N, byteLength - 8);
    const fd = openSync(path, 'r');
    const native = openMap(path, { backend: 'native' });
    const wasm = openMap(path, { backend: 'wasm' });
    if (byteLength <= WASM_DEFAULT_RESIDENT) {
      wasm.advise('willneed'); // identity mode: the whole file resident, as in wasm.mjs
      for (let at = 0; at < byteLength; at += 4096) sink += wasm.getUint8(at);
    }
    const eight = Buffer.alloc(8);
    const results = interleave(reps, {
      nativeGet: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += native.getUint32(pos[i], true); return s; }),
      nativeRead: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += native.read(pos[i], 8)[0]; return s; }),
      wasmGet: () => nsPerOp(SLOW_N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += wasm.getUint32(pos[i], true); return s; }),
      fs: () => nsPerOp(SLOW_N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += readSync(fd, eight, 0, 8, pos[i]); return s; }),
    });
    points.push(...pointsAt(byteLength, results, {
      nativeGet: 'native getUint32(pos)', nativeRead: 'native read(pos, 8)', wasmGet: 'wasm getUint32(pos) (default maxResident 256 MiB)', fs: 'fs.readSync of 8 bytes',
    }));
    native.close();
    wasm.close();
    closeSync(fd);
  }
  if (sink === 0.5) console.log('');
  return {
    id: 'random-reads',
    title: 'random 8-byte reads vs file size (page cache warm)',
    look: 'Look for where each line bends: the mapping lines should step up as the positions spread past the CPU caches and the TLB\'s reach; the wasm line should jump past maxResident (256 MiB), where it stops holding the whole file and faults pages in; fs.readSync should stay near its syscall cost.',
    panels: [{ title: 'ns per read', unit: 'ns', logY: true, points }],
  };
}

function scanCurve(reps, sizes) {
  const paths = Object.fromEntries(sizes.map((byteLength) => [byteLength, dataFile(byteLength)]));
  for (const path of Object.values(paths)) warm(path);
  const child = (byteLength) => {
    const r = spawnSync(process.execPath, [join(HERE, 'scan-child.mjs'), paths[byteLength], String(SCAN_RESIDENT)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scan-child.mjs failed on ${sizeLabel(byteLength)}: ${r.stderr}`);
    const result = JSON.parse(r.stdout.trim().split('\n').pop());
    if (result.bytes !== byteLength) throw new Error(`the scan read ${result.bytes} of ${byteLength} bytes`);
    return result;
  };
  // one process per size and rep; the sizes take turns within each rep (after a warm-up round)
  const results = Object.fromEntries(sizes.map((s) => [s, []]));
  for (let rep = -1; rep < reps; rep++) {
    for (const byteLength of rep % 2 === 0 ? sizes : [...sizes].reverse()) {
      const result = child(byteLength);
      if (rep >= 0) results[byteLength].push(result);
    }
  }
  const time = [];
  const rss = [];
  for (const byteLength of sizes) {
    const runs = results[byteLength];
    time.push(...pointsAt(byteLength, { 'wasm readInto(1 MiB) scan, maxResident 32 MiB': runs.map((r) => r.seconds) }));
    rss.push(...pointsAt(byteLength, {
      'peak RSS of the process (VmHWM)': runs.map((r) => r.peakKiB / 1024),
      'RSS before openMap (Node and the module)': runs.map((r) => r.rssBeforeKiB / 1024),
    }));
  }
  return {
    id: 'windowed-scan',
    title: `windowed wasm sequential scan vs file size (maxResident ${SCAN_RESIDENT / MiB} MiB, one process per size and rep)`,
    look: 'Look for time growing in proportion to the size (a straight line of slope 1 on these log–log axes) and peak RSS staying flat: the budget, not the file, should bound the memory.',
    panels: [
      { title: 'seconds per scan', unit: 's', logY: true, points: time },
      { title: 'MiB', unit: 'MiB', logY: false, points: rss },
    ],
  };
}
