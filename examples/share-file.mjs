// node examples/share-file.mjs counter.bin 100000
// Two processes, one file: each maps counter.bin (it must exist, e.g. 4096 zero bytes) with access 'write' and adds to the
// same Int32 with Atomics. On the native backend the mapping is MAP_SHARED, so every
// add is seen by the other process at once, without flush().
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openMap } from '../dist/entries/node.js';

const [path, addsText, role] = process.argv.slice(2);
const adds = Number(addsText ?? 100_000);

function addMany() {
  const map = openMap(path, { access: 'write', backend: 'native' });
  try {
    const v = map.view(0, 4);
    const counter = new Int32Array(v.buffer, v.byteOffset, 1);
    for (let i = 0; i < adds; i++) Atomics.add(counter, 0, 1);
  } finally {
    map.close(); // Node 20 does not parse `using`
  }
}

if (role === 'worker') {
  addMany();
} else {
  // Start a second process doing the same, and add alongside it.
  const self = fileURLToPath(import.meta.url);
  const other = spawn(process.execPath, [self, path, String(adds), 'worker'], { stdio: 'inherit' });
  const done = new Promise((resolve, reject) => other.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))));
  addMany();
  await done;
}
