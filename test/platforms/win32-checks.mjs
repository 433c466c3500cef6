// Runs inside Windows Node (node.exe under Wine): the package staged at argv[2], a scratch
// folder at argv[3]. Prints one JSON line per check ({ name, ok, detail }) and a last
// { done: true } line. `node.exe win32-checks.mjs <package> <dir> child <name>` is the
// second process of the shared-memory check: it opens the name and prints its bytes.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, script, packageDir, dir, mode, sharedName] = process.argv;
const api = await import(pathToFileURL(join(packageDir, 'dist', 'entries', 'node.js')).href);
const { openMap, openShared, unlinkShared, detectBackend } = api;
const text = (bytes) => Buffer.from(bytes).toString('latin1');

if (mode === 'file-child') {
  // the second process of the file-sharing check: sees the parent's stores, stores its own, no flush
  const map = openMap(sharedName, { access: 'write' });
  console.log(JSON.stringify({ bytes: text(map.read(0, 16)) }));
  map.write('child', 16);
  process.exit(0); // no flush, no close: the store is in the shared pages already
}

if (mode === 'flush-and-wait') {
  // the durability check's process: flushes, says so, and waits to be killed (TerminateProcess)
  const map = openMap(sharedName, { access: 'write' });
  map.write('durable', 0);
  map.flush();
  console.log('flushed');
  setInterval(() => map.getUint8(0), 1000);
} else if (mode === 'child') {
  const map = openShared(sharedName);
  console.log(JSON.stringify({ bytes: text(map.read(0, 16)), byteLength: map.byteLength }));
  map.write('child', 16);
  map.close();
  process.exit(0);
}

if (mode === 'flush-and-wait') await new Promise(() => {}); // until killed

mkdirSync(dir, { recursive: true });
let serial = 0;
const file = (content) => {
  const path = join(dir, `f${process.pid}-${serial++}.bin`);
  writeFileSync(path, content);
  return path;
};
const checks = [];
const check = (name, fn) => checks.push([name, fn]);
const expect = (condition, detail) => {
  if (!condition) throw new Error(detail);
};

check('detectBackend picks native from the win32-x64 prebuild', () => {
  const report = detectBackend();
  expect(report.backend === 'native', JSON.stringify(report));
  expect(/prebuild win32-x64/.test(report.reason), report.reason);
  return report.reason;
});

check('read map', () => {
  const map = openMap(file('hello, windows'), { backend: 'native' });
  expect(map.backend === 'native', map.backend);
  expect(text(map.read(0)) === 'hello, windows', text(map.read(0)));
  expect(map.find('windows') === 7, String(map.find('windows')));
});

check('write, flush, the file has the bytes', () => {
  const path = file('aaaaaaaaaa');
  const map = openMap(path, { access: 'write', backend: 'native' });
  map.write('bbb', 2);
  map.flush();
  expect(readFileSync(path, 'latin1') === 'aabbbaaaaa', readFileSync(path, 'latin1'));
  map.close();
  expect(readFileSync(path, 'latin1') === 'aabbbaaaaa', 'after close');
});

check('flushAsync', async () => {
  const path = file('0123456789');
  const map = openMap(path, { access: 'write', backend: 'native' });
  map.write('XY', 0);
  await map.flushAsync();
  map.close();
  expect(readFileSync(path, 'latin1') === 'XY23456789', readFileSync(path, 'latin1'));
});

check('copy-on-write leaves the file unchanged', () => {
  const path = file('original');
  const map = openMap(path, { access: 'copy', backend: 'native' });
  map.write('CHANGED!', 0);
  expect(text(map.read(0)) === 'CHANGED!', text(map.read(0)));
  map.flush();
  expect(readFileSync(path, 'latin1') === 'original', readFileSync(path, 'latin1'));
});

check('resize grows and shrinks the file with a live view', () => {
  const path = file('abcdef');
  const map = openMap(path, { access: 'write', backend: 'native' });
  const before = map.view();
  map.resize(200_000);
  expect(readFileSync(path).length === 200_000, `grown to ${readFileSync(path).length}`);
  expect(text(map.read(0, 6)) === 'abcdef', text(map.read(0, 6)));
  map.write('end', 199_997);
  map.resize(3);
  expect(before.byteLength === 0, `old view not detached: ${before.byteLength}`);
  expect(readFileSync(path, 'latin1') === 'abc', `shrunk to ${readFileSync(path).length}`);
  map.resize(0);
  expect(readFileSync(path).length === 0, 'resize(0)');
  map.resize(5);
  map.write('12345', 0);
  map.close();
  expect(readFileSync(path, 'latin1') === '12345', readFileSync(path, 'latin1'));
});

check('a shrink refused while another map views the file (EBUSY) changes nothing', () => {
  const path = file(Buffer.alloc(100_000, 65));
  const a = openMap(path, { access: 'write', backend: 'native' });
  const b = openMap(path, { backend: 'native' });
  let code = 'no error';
  try {
    a.resize(10);
  } catch (error) {
    code = `${error.code}/${error.syscall}`;
  }
  expect(code === 'EBUSY/ftruncate', code);
  expect(a.byteLength === 100_000 && a.read(99_990, 4).every((x) => x === 65), 'the old view is not back');
  a.write('zz', 0);
  expect(text(b.read(0, 3)) === 'zzA', `the other map sees ${text(b.read(0, 3))}`);
  a.close();
  b.close();
  expect(readFileSync(path).length === 100_000, `file of ${readFileSync(path).length}`);
  expect(readFileSync(path, 'latin1').startsWith('zzA'), 'the store did not reach the file');
  return code;
});

check('escaped memory reads zeros after close and takes stores; the file is left alone', async () => {
  const results = [];
  for (const access of ['read', 'write', 'copy']) {
    const bytes = Buffer.alloc(50_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    const path = file(bytes);
    const map = openMap(path, { access, backend: 'native' });
    const view = map.view(100, 1000);
    let controller;
    const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
    controller.enqueue(view); // transfers view.buffer: the chunk shares the mapping's memory
    expect(view.length === 0, `${access}: enqueue did not take the buffer`);
    map.close();
    const { value } = await stream.getReader().read();
    expect(value.length === 1000 && value.every((b) => b === 0), `${access}: escaped bytes after close: ${value.subarray(0, 8)}`);
    value.fill(7);
    expect(value[999] === 7, `${access}: a store to the escaped memory was lost`);
    expect(Buffer.compare(readFileSync(path), bytes) === 0, `${access}: the file changed`);
    results.push(access);
  }
  return results.join(', ');
});

check('a path with non-ASCII characters (UTF-8 to UTF-16)', () => {
  const path = join(dir, `ünïcødé-日本-${process.pid}.bin`);
  writeFileSync(path, 'wide path');
  const map = openMap(path, { access: 'write', backend: 'native' });
  expect(text(map.read(0)) === 'wide path', text(map.read(0)));
  map.write('W', 0);
  map.close();
  expect(readFileSync(path, 'latin1') === 'Wide path', readFileSync(path, 'latin1'));
});

check('a file larger than 4 GiB: a map past the 4 GiB mark', () => {
  const path = file('');
  const offset = 2 ** 32 + 65_536 * 3 + 123; // high DWORD 1, and off the 64 KiB granularity
  const map = openMap(path, { access: 'write', backend: 'native', offset, length: 10, grow: true });
  map.write('past 4 GiB', 0);
  map.close();
  const fd = openSync(path, 'r');
  const back = Buffer.alloc(10);
  readSync(fd, back, 0, 10, offset);
  closeSync(fd);
  expect(back.toString('latin1') === 'past 4 GiB', back.toString('latin1'));
  const again = openMap(path, { backend: 'native', offset: offset - 5, length: 15 });
  const got = text(again.read(0));
  again.close();
  truncateSync(path, 0);
  expect(got === '\0\0\0\0\0past 4 GiB', JSON.stringify(got));
  return `file of ${offset + 10} bytes`;
});

check('a map at an offset that is not a multiple of 64 KiB', () => {
  const bytes = Buffer.alloc(200_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  const path = file(bytes);
  for (const offset of [1, 4096, 65_535, 65_537, 131_073]) {
    const map = openMap(path, { backend: 'native', offset, length: 1000 });
    const got = map.read(0, 1000);
    map.close();
    expect(Buffer.compare(Buffer.from(got), bytes.subarray(offset, offset + 1000)) === 0, `offset ${offset}`);
  }
  const map = openMap(path, { access: 'write', backend: 'native', offset: 70_000, length: 10 });
  map.write('zz', 0);
  map.close();
  expect(readFileSync(path, 'latin1').slice(70_000, 70_002) === 'zz', 'write at 70000');
});

check('empty file and zero-length maps', () => {
  const path = file('');
  const empty = openMap(path, { backend: 'native' });
  expect(empty.byteLength === 0, String(empty.byteLength));
  const zero = openMap(file('abc'), { backend: 'native', offset: 3 });
  expect(zero.byteLength === 0, String(zero.byteLength));
  const grown = openMap(path, { access: 'write', backend: 'native', length: 10, grow: true });
  grown.write('x', 9);
  grown.close();
  expect(readFileSync(path).length === 10, String(readFileSync(path).length));
});

check('a file descriptor from fs.openSync', () => {
  const path = file('by descriptor');
  const fd = openSync(path, 'r+');
  const map = openMap(fd, { access: 'write', backend: 'native' });
  closeSync(fd);
  expect(text(map.read(0)) === 'by descriptor', text(map.read(0)));
  map.write('BY', 0);
  map.close();
  expect(readFileSync(path, 'latin1') === 'BY descriptor', readFileSync(path, 'latin1'));
});

check('a descriptor without the access the map needs is EACCES, and stays open', () => {
  const path = file('modes');
  const readOnly = openSync(path, 'r');
  const codeOf = (fn) => {
    try {
      fn();
    } catch (error) {
      return error.code;
    }
    return 'no error';
  };
  const write = codeOf(() => openMap(readOnly, { access: 'write', backend: 'native' }));
  const writeOnly = openSync(path, 'a');
  const read = codeOf(() => openMap(writeOnly, { backend: 'native' }));
  const empty = file('');
  const emptyReadOnly = openSync(empty, 'r');
  const emptyWrite = codeOf(() => openMap(emptyReadOnly, { access: 'write', backend: 'native' }));
  expect(write === 'EACCES' && read === 'EACCES' && emptyWrite === 'EACCES', `${write} ${read} ${emptyWrite}`);
  expect(readFileSync(path, 'latin1') === 'modes', 'the file changed');
  closeSync(readOnly); // throws EBADF if a failure had closed it
  closeSync(writeOnly);
  closeSync(emptyReadOnly);
});

check('advise and residency', () => {
  const map = openMap(file(Buffer.alloc(1 << 20, 7)), { backend: 'native' });
  map.advise('willneed');
  map.read(0, 1 << 20);
  const { residentBytes, mappedBytes } = map.residency();
  expect(mappedBytes === 1 << 20, String(mappedBytes));
  expect(residentBytes > 0 && residentBytes <= mappedBytes, String(residentBytes));
  map.advise('dontneed');
  map.advise('sequential');
  map.advise('random');
  map.advise('normal');
  return `${residentBytes} of ${mappedBytes} resident`;
});

check('ENOENT, EISDIR and EEXIST carry the codes Node uses', () => {
  const missing = join(dir, 'no-such-file.bin');
  const codeOf = (fn) => {
    try {
      fn();
    } catch (error) {
      return `${error.code}/${error.syscall}/${error.path ?? ''}`;
    }
    return 'no error';
  };
  const enoent = codeOf(() => openMap(missing, { backend: 'native' }));
  expect(enoent === `ENOENT/open/${missing}`, enoent);
  // The errno Node's own fs reports on Windows (libuv's numbers), for the same code.
  let fsErrno;
  try {
    readFileSync(missing);
  } catch (error) {
    fsErrno = error.errno;
  }
  let ours;
  try {
    openMap(missing, { backend: 'native' });
  } catch (error) {
    ours = error.errno;
  }
  expect(ours === fsErrno && ours === -4058, `errno ${ours}, fs says ${fsErrno}`);
  const badName = codeOf(() => openMap(join(dir, 'a<b|c.bin'), { backend: 'native' }));
  let fsBadName;
  try {
    readFileSync(join(dir, 'a<b|c.bin'));
  } catch (error) {
    fsBadName = error.code;
  }
  expect(badName.startsWith(`${fsBadName}/open`), `${badName}, fs says ${fsBadName}`);
  const eisdir = codeOf(() => openMap(dir, { backend: 'native' }));
  expect(eisdir.startsWith('EISDIR/open'), eisdir);
  const name = `pmm-exists-${process.pid}`;
  const shm = openShared(name, { size: 4096, create: true });
  const eexist = codeOf(() => openShared(name, { size: 4096, create: true }));
  shm.close();
  expect(eexist.startsWith('EEXIST'), eexist);
  const gone = codeOf(() => openShared(`pmm-none-${process.pid}`, {}));
  expect(gone.startsWith('ENOENT'), gone);
  return [enoent, badName, eisdir, eexist, gone].join(', ');
});

check('worker threads share a write map and a named section', async () => {
  const { Worker } = await import('node:worker_threads');
  const path = file(Buffer.alloc(4096));
  const name = `pmm-worker-${process.pid}`;
  const map = openMap(path, { access: 'write', backend: 'native' });
  const shm = openShared(name, { size: 4096, create: true });
  const entry = pathToFileURL(join(packageDir, 'dist', 'entries', 'node.js')).href;
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.entry).then(({ openMap, openShared }) => {
      const map = openMap(workerData.path, { access: 'write', backend: 'native' });
      const shm = openShared(workerData.name);
      map.write('from a worker', 0);
      shm.write('worker too', 0);
      const seen = Buffer.from(map.read(100, 6)).toString('latin1');
      map.close();
      shm.close();
      parentPort.postMessage(seen);
    });`,
    { eval: true, workerData: { entry, path, name } },
  );
  map.write('parent', 100);
  const seen = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  expect(seen === 'parent', `the worker saw ${JSON.stringify(seen)}`);
  expect(text(map.read(0, 13)) === 'from a worker', text(map.read(0, 13)));
  expect(text(shm.read(0, 10)) === 'worker too', text(shm.read(0, 10)));
  map.close();
  shm.close();
});

check('openShared: a second Windows process sees the bytes', () => {
  const name = `pmm-shared-${process.pid}`;
  const map = openShared(name, { size: 4096, create: true });
  map.write('from the parent!', 0);
  map.flush();
  const out = join(dir, `child-${process.pid}.json`);
  const fd = openSync(out, 'w');
  const child = spawnSync(process.execPath, [script, packageDir, dir, 'child', name], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const output = readFileSync(out, 'utf8');
  expect(child.status === 0, `child exited ${child.status}: ${output}`);
  const seen = JSON.parse(output.trim().split('\n').at(-1));
  expect(seen.bytes === 'from the parent!', output);
  expect(text(map.read(16, 5)) === 'child', text(map.read(16, 5)));
  map.close();
  unlinkShared(name);
  return `child saw ${seen.byteLength} bytes`;
});

/** Runs this script as a second node.exe in `childMode` on `arg`, its output to a file (a pipe gives EBADF). */
function secondProcess(childMode, arg) {
  const out = join(dir, `child-${process.pid}-${serial++}.txt`);
  const fd = openSync(out, 'w');
  const child = spawn(process.execPath, [script, packageDir, dir, childMode, arg], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => readFileSync(out, 'utf8') };
}

check("a 'write' file map is shared with a second Windows process, both ways, without a flush", async () => {
  const path = file(Buffer.alloc(8192));
  const map = openMap(path, { access: 'write' });
  map.write('parent wrote it!', 0);
  const second = secondProcess('file-child', path);
  const { code } = await second.exited;
  expect(code === 0, `child exited ${code}: ${second.output()}`);
  const seen = JSON.parse(second.output().trim().split('\n').at(-1));
  expect(seen.bytes === 'parent wrote it!', second.output());
  expect(text(map.read(16, 5)) === 'child', text(map.read(16, 5)));
  map.close();
});

check('durability: bytes flushed before the process is killed (TerminateProcess) are in the file', async () => {
  const path = file(Buffer.alloc(4096));
  const second = secondProcess('flush-and-wait', path);
  for (let waited = 0; !second.output().includes('flushed'); waited += 50) {
    expect(waited < 60_000, `the process never flushed: ${second.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  second.child.kill(); // TerminateProcess on Windows: no exit handlers, no close()
  const { code, signal } = await second.exited;
  const bytes = readFileSync(path).subarray(0, 7).toString('latin1');
  expect(bytes === 'durable', `the file holds ${JSON.stringify(bytes)} after the kill (exit ${code}, ${signal})`);
  return `killed: exit ${code}, signal ${signal}`;
});

for (const [name, fn] of checks) {
  try {
    const detail = await fn();
    console.log(JSON.stringify({ name, ok: true, detail: detail ?? '' }));
  } catch (error) {
    console.log(JSON.stringify({ name, ok: false, detail: String(error?.stack ?? error) }));
  }
}
console.log(JSON.stringify({ done: true, exists: existsSync(dir) }));
