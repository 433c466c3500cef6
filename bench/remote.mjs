// Benchmarks of remote maps: openMapAsync() of an object served by nginx on loopback, against
// one plain fetch of the whole object. nginx comes from test/tools/provision.mjs (the system's,
// $NGINX, or Debian's package unpacked into the tools cache); the server runs
// in the foreground as this user on 127.0.0.1, with its own temp root, and stops at the end.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataFile, median, positions, seconds, spread, MiB } from './lib.mjs';
import { row } from './native.mjs';
import { trafficRows } from './remote-traffic.mjs';
import { provisionTools } from '../test/tools/provision.mjs';
import { toolPath } from '../test/tools/tools.mjs';

const KiB = 1024;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** nginx serving `file` as /data.bin; logs nothing (the map counts its own requests). */
export async function serve(file) {
  const root = mkdtempSync(join(tmpdir(), 'portable-mmap-bench-nginx-'));
  mkdirSync(join(root, 'logs'));
  symlinkSync(file, join(root, 'data.bin'));
  const port = await freePort();
  writeFileSync(join(root, 'nginx.conf'), `daemon off; master_process off; pid ${root}/nginx.pid; error_log ${root}/logs/error.log warn;
events { worker_connections 256; }
http { access_log off; default_type application/octet-stream; sendfile on; keepalive_requests 100000;
  client_body_temp_path ${root}/tmp; proxy_temp_path ${root}/tmp; fastcgi_temp_path ${root}/tmp; uwsgi_temp_path ${root}/tmp; scgi_temp_path ${root}/tmp;
  server { listen 127.0.0.1:${port}; root ${root}; location = /data.bin { } } }`);
  provisionTools(['nginx']);
  const child = spawn(toolPath('nginx'), ['-p', root, '-c', join(root, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/data.bin`;
  for (let tries = 0; ; tries++) {
    try {
      const response = await fetch(url, { headers: { Range: 'bytes=0-0' } });
      await response.arrayBuffer();
      break;
    } catch (error) {
      if (tries > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Like lib.mjs interleave(), for contenders that return Promises. */
async function interleaveAsync(reps, contenders) {
  const names = Object.keys(contenders);
  for (const name of names) await contenders[name]();
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const name of rep % 2 === 0 ? names : [...names].reverse()) out[name].push(await contenders[name]());
  }
  return out;
}


async function drain(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

export async function remoteGroups({ openMapAsync, fileCache, reps }) {
  const size = 256 * MiB;
  const server = await serve(dataFile(size, 'remote-256m.bin'));
  const rows = [];
  try {
    const maxResident = 32 * MiB;
    let peakResident = 0;

    // 1. a sequential scan of the whole object: map.stream() vs one plain fetch of the body
    const scan = await interleaveAsync(reps, {
      fetch: async () => {
        const t = process.hrtime.bigint();
        const bytes = await drain((await fetch(server.url)).body);
        if (bytes !== size) throw new Error(`fetch gave ${bytes} bytes`);
        return size / MiB / seconds(t);
      },
      map: async () => {
        const t = process.hrtime.bigint();
        const map = await openMapAsync(server.url, { maxResident });
        const reader = map.stream().getReader();
        let bytes = 0;
        for (let chunks = 0; ; chunks++) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.length;
          if (chunks % 256 === 0) peakResident = Math.max(peakResident, map.residency().residentBytes);
        }
        await map.close();
        if (bytes !== size) throw new Error(`the map streamed ${bytes} bytes`);
        return size / MiB / seconds(t);
      },
    });
    // throughput: higher is better, so the ratio is ours/theirs
    rows.push(row(`sequential scan of 256 MiB: map.stream() (maxResident 32 MiB) vs one fetch of the body, MiB/s`,
      scan.fetch, scan.map, 'MiB/s', 'of fetch', '≥ 0.8×', (x) => x >= 0.8));
    rows.at(-1).value = `${median(scan.map).toPrecision(3)} MiB/s vs ${median(scan.fetch).toPrecision(3)} MiB/s`;
    rows.push({ name: 'memory held during the scan: most resident page bytes seen', value: `${(peakResident / MiB).toFixed(1)} MiB`,
      ratio: `${(peakResident / maxResident).toFixed(2)} of maxResident`, target: '≤ maxResident (32 MiB)', pass: peakResident <= maxResident,
      numbers: spread([peakResident / maxResident], [1], 'of maxResident') });

    // 2. random 4 KiB reads on a fresh map: requests per read and latency
    const N = 300;
    const at = positions(N, size - 4 * KiB, 7);
    const random = await interleaveAsync(reps, {
      map: async () => {
        const map = await openMapAsync(server.url, { maxResident });
        const before = map.stats().requests;
        const target = new Uint8Array(4 * KiB);
        const latencies = [];
        for (let i = 0; i < N; i++) {
          const t = process.hrtime.bigint();
          await map.readInto(target, at[i]);
          latencies.push(seconds(t) * 1000);
        }
        const requests = (map.stats().requests - before) / N;
        await map.close();
        return { latency: median(latencies), requests };
      },
    });
    const perRead = random.map.map((r) => r.requests);
    const latency = random.map.map((r) => r.latency);
    rows.push({ name: 'random 4 KiB reads (64 KiB pages): requests per read; median latency', value: `${median(perRead).toFixed(2)} requests/read; ${median(latency).toFixed(3)} ms/read`,
      ratio: `${Math.min(...latency).toFixed(3)}–${Math.max(...latency).toFixed(3)} ms over reps`, target: '≤ 1.1 requests/read (no read-ahead on random access)', pass: median(perRead) <= 1.1,
      numbers: spread(perRead, [1.1], 'requests/read') });

    // 3. a 4 MiB sequential read at 64 KiB pages, 64 KiB at a time: requests (the probe not counted)
    const sequential = await interleaveAsync(reps, {
      map: async () => {
        const map = await openMapAsync(server.url, { pageSize: 64 * KiB, maxResident });
        const before = map.stats().requests;
        const target = new Uint8Array(64 * KiB);
        for (let offset = 0; offset < 4 * MiB; offset += target.length) await map.readInto(target, offset);
        const requests = map.stats().requests - before;
        await map.close();
        return requests;
      },
    });
    rows.push({ name: '4 MiB sequential read at 64 KiB pages, 64 KiB per call: requests after the probe', value: `${median(sequential.map)} requests`,
      ratio: `${Math.min(...sequential.map)}–${Math.max(...sequential.map)} over reps`, target: '≤ 8', pass: median(sequential.map) <= 8 });

    // 4. real traffic: request planning on bursts of scattered reads, and a fileCache across runs
    rows.push(...(await trafficRows({ openMapAsync, fileCache, reps, serverUrl: server.url, size })));
  } finally {
    await server.stop();
  }
  return rows;
}
