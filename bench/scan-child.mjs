// One windowed wasm scan in a process of its own, so that its peak RSS is its own:
// node bench/scan-child.mjs FILE MAX_RESIDENT. Reads FILE start to end with readInto() in
// 1 MiB steps through openMap(FILE, { backend: 'wasm', maxResident }) and prints one JSON line:
// { seconds, bytes, rssBeforeKiB, peakKiB } (VmHWM from /proc/self/status where there is one,
// else process.resourceUsage().maxRSS; both in KiB).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, MiB } from './lib.mjs';

const [file, maxResidentText] = process.argv.slice(2);
const { openMap } = await import(join(ROOT, 'dist/entries/node.js'));

function peakKiB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through to the portable figure
  }
  return process.resourceUsage().maxRSS;
}

const target = Buffer.alloc(MiB);
const rssBeforeKiB = peakKiB();
const t = process.hrtime.bigint();
const map = openMap(file, { backend: 'wasm', maxResident: Number(maxResidentText) });
let bytes = 0;
for (let pos = 0; pos < map.byteLength; pos += MiB) bytes += map.readInto(target, pos);
map.close();
const seconds = Number(process.hrtime.bigint() - t) / 1e9;
console.log(JSON.stringify({ seconds, bytes, rssBeforeKiB, peakKiB: peakKiB() }));
