// node examples/share-python.mjs        (after `npm run build`; needs python3 on PATH)
// Node and Python share one buffer by name. Node creates it with openShared(); Python
// attaches with multiprocessing.shared_memory.SharedMemory(name) (examples/share_python.py);
// each reads what the other wrote. Layout of the 4096 bytes:
//   0..3    a counter, Int32 little-endian (Node's Int32Array on x86 and ARM; Python int.from_bytes(…, 'little'))
//   16..47  a message from Node, UTF-8, NUL-padded
//   64..127 the reply from Python
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openShared, unlinkShared } from '../dist/entries/node.js';

const name = `portable-mmap-example-${process.pid}`;
const shm = openShared(name, { size: 4096, create: true }); // zero-filled; EEXIST if the name is taken
try {
  const v = shm.view();
  const counter = new Int32Array(v.buffer, v.byteOffset, 1);
  Atomics.store(counter, 0, 41);
  shm.write('hello from node', 16);

  // Python attaches while this map stays open: no flush() is needed on either side.
  const script = fileURLToPath(new URL('./share_python.py', import.meta.url));
  const python = spawnSync('python3', [script, name], { stdio: 'inherit' });
  if (python.error) throw python.error;
  if (python.status !== 0) throw new Error(`python3 exited with status ${python.status}`);

  const reply = new TextDecoder().decode(shm.read(64, 64)).replace(/\0+$/, '');
  console.log(`node reads:   counter = ${Atomics.load(counter, 0)}, reply = "${reply}"`);
} finally {
  shm.close();
  unlinkShared(name); // the name outlives every process until someone unlinks it
}
