// Run by bench/bun.mjs inside Bun: random 8-byte reads over a cached 1 GiB file, our native
// map against Bun.mmap (Bun's own mapping, a Uint8Array), interleaved in one process. Prints
// the per-rep figures (ns/op) as JSON on stdout; the Node side builds the rows.
import { join } from 'node:path';
import { interleave, nsPerOp, positions, ROOT, GiB } from './lib.mjs';

const [file, repsText] = process.argv.slice(2);
const { openMap, detectBackend } = await import(join(ROOT, 'dist/entries/node.js'));
const N = 1_000_000;
const pos = positions(N, GiB - 8);
let sink = 0;

const map = openMap(file, { backend: 'native' });
const view = map.view();
const ours = new DataView(view.buffer, view.byteOffset, view.byteLength);
const bunBytes = Bun.mmap(file, { shared: true });
const theirs = new DataView(bunBytes.buffer, bunBytes.byteOffset, bunBytes.byteLength);

const result = interleave(Number(repsText), {
  view: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += ours.getFloat64(pos[i], true); return s; }),
  bunView: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += theirs.getFloat64(pos[i], true); return s; }),
  bunViewUint32: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += theirs.getFloat64(pos[i] >>> 0, true); return s; }),
  getFloat64: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += map.getFloat64(pos[i], true); return s; }),
  read: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += map.read(pos[i], 8)[0]; return s; }),
  bunSlice: () => nsPerOp(N, (n) => { let s = 0; for (let i = 0; i < n; i++) s += bunBytes.slice(pos[i], pos[i] + 8)[0]; return s; }),
});
map.close();
console.log(JSON.stringify({ backend: detectBackend().reason, bun: Bun.version, result, sink: sink === 0.5 }));
