// npm start [-- --size 256M]
// The three classic uses of mmap on a generated file, each timed against plain fs,
// on every backend that loads here: read a large file fast, change part of a file in
// place, and share data with a second process.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openMap, openShared, unlinkShared, detectBackend } from '../dist/entries/node.js';

const MiB = 1 << 20;
const sizeArg = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : '256M';
const size = parseSize(sizeArg);
const NEEDLE = Buffer.from('portable-mmap!!\n');

function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text ?? '');
  if (!m) throw new Error(`--size takes a size like 256M or 1G, not ${text}`);
  return Math.round(Number(m[1]) * { '': 1, K: 1024, M: MiB, G: 1024 * MiB }[m[2].toUpperCase()]);
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const fmtMs = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const timeIt = (fn) => {
  const t = process.hrtime.bigint();
  const result = fn();
  return { ms: ms(t), result };
};

function makeFile(path) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4 * MiB);
  let x = 0x9e3779b9;
  for (let at = 0; at < size; at += chunk.length) {
    for (let i = 0; i < chunk.length; i += 4) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      chunk.writeUInt32LE(x, i);
    }
    writeSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
  }
  writeSync(fd, NEEDLE, 0, NEEDLE.length, size - NEEDLE.length);
  closeSync(fd);
}

/** The backends that can map a file here (native where the addon loads; wasm everywhere). */
function backendsHere(probe) {
  writeFileSync(probe, 'x');
  return ['native', 'wasm'].filter((backend) => {
    try {
      openMap(probe, { backend }).close();
      return true;
    } catch {
      return false;
    }
  });
}

// ── setup ──
const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-demo-'));
const file = join(dir, 'big.bin');
const backends = backendsHere(join(dir, 'probe.bin'));
const rows = [];
try {
  console.log(`portable-mmap demo: a ${(size / MiB).toFixed(0)} MiB file`);
  console.log(`detectBackend(): ${JSON.stringify(detectBackend())}`);
  console.log(`backends in this run: ${backends.join(', ')}\n`);
  makeFile(file);
  readFileSync(file); // into the page cache, so every contender starts warm

  // ── 1. read a large file fast: random reads and a search ──
  const READS = 200_000;
  const positions = Float64Array.from({ length: READS }, (_, i) => ((i * 2654435761) % (size - 8)));
  const fd = openSync(file, 'r');
  const eight = Buffer.alloc(8);
  const fsReads = timeIt(() => {
    let sum = 0;
    for (let i = 0; i < READS; i++) { readSync(fd, eight, 0, 8, positions[i]); sum += eight.readDoubleLE(0); }
    return sum;
  });
  const fsFind = timeIt(() => {
    const chunk = Buffer.alloc(4 * MiB + NEEDLE.length);
    for (let at = 0; at < size; at += 4 * MiB) {
      const n = readSync(fd, chunk, 0, chunk.length, at);
      const hit = chunk.subarray(0, n).indexOf(NEEDLE);
      if (hit !== -1) return at + hit;
    }
    return -1;
  });
  closeSync(fd);
  rows.push(['1. random 8-byte reads', 'fs.readSync', fsReads.ms]);
  rows.push(['1. search for a needle', 'fs.readSync + indexOf', fsFind.ms]);
  for (const backend of backends) {
    const map = openMap(file, { backend });
    const randomReads = () =>
      timeIt(() => {
        let sum = 0;
        for (let i = 0; i < READS; i++) sum += map.getFloat64(positions[i], true);
        return sum;
      });
    // The first pass brings pages in (the kernel's, or the pager's 64 KiB pages); the second finds them there.
    const cold = randomReads();
    const warm = randomReads();
    const found = timeIt(() => map.find(NEEDLE));
    if (found.result !== fsFind.result) throw new Error(`${backend} find() disagrees with fs`);
    rows.push(['1. random 8-byte reads', `${backend} getFloat64(), 1st pass`, cold.ms, fsReads.ms]);
    rows.push(['1. random 8-byte reads', `${backend} getFloat64(), 2nd pass`, warm.ms, fsReads.ms]);
    rows.push(['1. search for a needle', `${backend} find()`, found.ms, fsFind.ms]);
    map.close();
  }

  // ── 2. change part of a file in place: patch 1,000 records ──
  const PATCHES = 1_000;
  const record = Buffer.from('PATCHED-RECORD!\n');
  const patchAt = (i) => Math.floor(((i * 7919) % PATCHES) * ((size - 16) / PATCHES));
  const rewrite = timeIt(() => {
    const all = readFileSync(file);
    for (let i = 0; i < PATCHES; i++) record.copy(all, patchAt(i));
    writeFileSync(file, all);
  });
  rows.push(['2. patch 1,000 records', 'read + rewrite the file', rewrite.ms]);
  for (const backend of backends) {
    const patched = timeIt(() => {
      const map = openMap(file, { access: 'write', backend });
      for (let i = 0; i < PATCHES; i++) map.write(record, patchAt(i));
      map.flush();
      map.close();
    });
    rows.push(['2. patch 1,000 records', `${backend} write() + flush()`, patched.ms, rewrite.ms]);
  }

  // ── 3. share data with a second process through named shared memory ──
  if (backends.includes('native')) {
    const ADDS = 100_000;
    const name = `portable-mmap-demo-${process.pid}`;
    const child = fileURLToPath(new URL('./share-memory.mjs', import.meta.url));
    const shm = openShared(name, { size: 4096, create: true });
    try {
      const shared = timeIt(() => {
        // share-memory.mjs opens the name, starts one more process on it, and both add.
        const r = spawnSync(process.execPath, [child, String(ADDS), name], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
        const v = shm.view(0, 4);
        return Atomics.load(new Int32Array(v.buffer, v.byteOffset, 1), 0);
      });
      console.log(`3. two processes each did Atomics.add ${ADDS.toLocaleString()} times on one counter in openShared('${name}'): it reads ${shared.result.toLocaleString()}`);
      rows.push(['3. share a counter between 2 processes', 'native openShared()', shared.ms]);
    } finally {
      shm.close();
      unlinkShared(name);
    }
  } else {
    console.log('3. sharing between processes needs the native backend (wasm maps share nothing between processes)');
  }

  // ── the table ──
  console.log('');
  const widths = [40, 34, 10, 10];
  const line = (cells) => console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(''));
  line(['use', 'how', 'ms', 'vs fs']);
  line(['─'.repeat(38), '─'.repeat(32), '─'.repeat(8), '─'.repeat(8)]);
  for (const [use, how, time, base] of rows) line([use, how, fmtMs(time), base ? `${(base / time).toFixed(1)}×` : '']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
