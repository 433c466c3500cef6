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
  const rows = [
    row('random 8-byte read: DataView over view() vs DataView over Bun.mmap()', r.view, r.bunView, 'ns/op', 'speed ratio', '≥ 1.0×', (x) => x >= 1.0),
    row('random read(pos, 8) vs Bun.mmap()#slice of 8 bytes', r.read, r.bunSlice, 'ns/op', 'speed ratio', '≥ 1.0×', (x) => x >= 1.0),
    row('random getFloat64(pos) (checked) vs DataView#getFloat64 over Bun.mmap()', r.getFloat64, r.bunView, 'ns/op', 'speed ratio', '(no target)', () => true),
  ];
  rows.bun = `Bun ${bun}, native (${backend})`;
  return rows;
}
