// Benchmarks of the native backend inside Bun, against Bun.mmap: the measuring runs in Bun
// (bench/bun-child.mjs, the bun npm package's binary), this side turns its figures into rows.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { dataFile, warm, GiB, ROOT } from './lib.mjs';
import { row } from './native.mjs';

export const BUN = join(ROOT, 'node_modules', '.bin', 'bun');

export function bunGroups({ reps }) {
  const big = dataFile(GiB);
  warm(big);
  const out = execFileSync(BUN, [join(ROOT, 'bench', 'bun-child.mjs'), big, String(reps)], { encoding: 'utf8' });
  const { result: r, bun, backend } = JSON.parse(out.trim().split('\n').pop());
  // The positions are doubles (a Float64Array), as offsets past 2^32 must be; JavaScriptCore
  // reads a DataView much faster at an index it knows is an int, hence the last row.
  const rows = [
    row('random getFloat64(pos) vs DataView#getFloat64 over Bun.mmap()', r.getFloat64, r.bunView, 'ns/op', 'speed ratio', '≥ 1.0×', (x) => x >= 1.0),
    row('random read(pos, 8) vs Bun.mmap()#slice of 8 bytes', r.read, r.bunSlice, 'ns/op', 'speed ratio', '≥ 1.0×', (x) => x >= 1.0),
    row('random 8-byte read: DataView over view() vs DataView over Bun.mmap() (the same load, two mappings)', r.view, r.bunView, 'ns/op', 'speed ratio', 'within ±10 %', (x) => x >= 0.9 && x <= 1.1),
    row('context: getFloat64(pos) vs DataView#getFloat64(pos >>> 0) over Bun.mmap() (an int index)', r.getFloat64, r.bunViewUint32, 'ns/op', 'speed ratio', '(no target)', () => true),
  ];
  rows.bun = `Bun ${bun}, native (${backend})`;
  return rows;
}
