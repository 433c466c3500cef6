// node examples/share-memory.mjs [adds] [name]
// Two processes, one named shared memory object: each opens it with openShared(name) and
// adds to the same Int32 with Atomics, `adds` times (default 100,000). The stores are seen
// by the other process at once; nothing is flushed. Without a name, this process creates one
// (and unlinks it at the end) and prints the count; with a name, it uses that existing one.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openShared, unlinkShared } from '../dist/entries/node.js';

const [addsText = '100000', givenName, role] = process.argv.slice(2);
const adds = Number(addsText);

function addMany(name) {
  const shm = openShared(name);
  try {
    const v = shm.view(0, 4);
    const counter = new Int32Array(v.buffer, v.byteOffset, 1);
    for (let i = 0; i < adds; i++) Atomics.add(counter, 0, 1); // atomic across processes
  } finally {
    shm.close();
  }
}

if (role === 'worker') {
  addMany(givenName);
} else {
  const name = givenName ?? `portable-mmap-example-${process.pid}`;
  if (givenName === undefined) openShared(name, { size: 4096, create: true }).close();
  try {
    // Start a second process on the same name, and add alongside it.
    const self = fileURLToPath(import.meta.url);
    const other = spawn(process.execPath, [self, String(adds), name, 'worker'], { stdio: 'inherit' });
    const done = new Promise((resolve, reject) => other.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))));
    addMany(name);
    await done;
    if (givenName === undefined) {
      const shm = openShared(name, { size: 4 });
      console.log(`2 processes × ${adds.toLocaleString()} Atomics.add → ${shm.getInt32(0, true).toLocaleString()}`);
      shm.close();
    }
  } finally {
    if (givenName === undefined) unlinkShared(name);
  }
}
