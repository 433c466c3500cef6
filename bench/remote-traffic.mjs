// Remote maps under real traffic (docs/remote.md, "Planning and concurrency" and "Caching"):
// 1. the cogeotiff-style workload, 2,000 scattered 16 KiB reads in bursts of 50 issued in
//    one tick, with the default planning vs `mergeGap: 0, concurrency: 1` (requests, time);
// 2. a 64 MiB scan through a fileCache: the first run (empty cache) vs the second (time,
//    requests and bytes from the server).
// nginx on loopback answers in microseconds, where object storage takes tens of
// milliseconds to the first byte; so the workload runs twice: straight to nginx, and
// through a proxy in this file that holds each request LATENCY_MS before passing it on
// (a stand-in for the network, said so in every row it shapes).
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, seconds, spread, MiB } from './lib.mjs';

const KiB = 1024;
const LATENCY_MS = 20;

/** A proxy to `target` that waits `delayMs` before forwarding each request: first-byte latency. */
async function latencyProxy(target, delayMs) {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    setTimeout(() => {
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      res.on('close', () => forward.destroy());
      req.pipe(forward);
    }, delayMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}${upstream.pathname}`,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/**
 * 40 bursts of 50 reads of 16 KiB at a random place: a view's tiles, 32–160 KiB apart
 * (start to start), so most neighbours lie in pages that are near but not adjacent.
 */
function bursts(size, seed = 7) {
  let x = seed;
  const next = (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const out = [];
  for (let b = 0; b < 40; b++) {
    const base = next(size - 16 * MiB);
    const burst = [];
    for (let i = 0, at = base; i < 50; i++, at += 32 * KiB + next(128 * KiB)) burst.push(at);
    out.push(burst);
  }
  return out;
}

async function runBursts(openMapAsync, url, options, plan) {
  const t = process.hrtime.bigint();
  const map = await openMapAsync(url, { maxResident: 64 * MiB, ...options });
  const before = map.stats().requests;
  for (const burst of plan) await Promise.all(burst.map((at) => map.read(at, 16 * KiB)));
  const requests = map.stats().requests - before;
  await map.close();
  return { time: seconds(t), requests };
}

/** Rows for the two workloads; `serverUrl` is nginx serving a 256 MiB object. */
export async function trafficRows({ openMapAsync, fileCache, reps, serverUrl, size }) {
  const rows = [];
  const plan = bursts(size);
  const proxy = await latencyProxy(serverUrl, LATENCY_MS);
  try {
    for (const [where, url] of [['nginx on loopback', serverUrl], [`nginx behind a ${LATENCY_MS} ms first-byte proxy`, proxy.url]]) {
      const planned = [];
      const naive = [];
      for (let rep = 0; rep < reps; rep++) {
        // interleaved, the order flipped every rep
        const pair = rep % 2 === 0 ? [planned, naive] : [naive, planned];
        for (const into of pair) {
          into.push(await runBursts(openMapAsync, url, into === planned ? {} : { mergeGap: 0, concurrency: 1 }, plan));
        }
      }
      const time = (xs) => median(xs.map((r) => r.time));
      const requests = (xs) => median(xs.map((r) => r.requests));
      const ratios = planned.map((r, i) => naive[i].time / r.time);
      rows.push({
        name: `2,000 scattered 16 KiB reads in bursts of 50 per tick (${where}): default planning vs mergeGap 0 + concurrency 1`,
        value: `${requests(planned)} vs ${requests(naive)} requests; ${time(planned).toFixed(3)} s vs ${time(naive).toFixed(3)} s`,
        ratio: `${(requests(naive) / requests(planned)).toFixed(1)}× fewer requests; ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, n=${ratios.length}) as fast`,
        target: 'fewer requests and less time',
        pass: requests(planned) < requests(naive) && median(ratios) > 1,
        numbers: spread(ratios, [1], 'as fast'),
      });
    }
  } finally {
    await proxy.stop();
  }

  // the 64 MiB scan: an empty fileCache, then the same cache again
  const scanned = 64 * MiB;
  const first = [];
  const second = [];
  const scan = async (cache) => {
    const t = process.hrtime.bigint();
    const map = await openMapAsync(serverUrl, { cache, maxResident: 32 * MiB });
    const target = new Uint8Array(MiB);
    for (let at = 0; at < scanned; at += target.length) await map.readInto(target, at);
    const { requests, bytesRead, cacheHits } = map.stats();
    await map.close(); // settles once the cache writes are done
    return { time: seconds(t), requests, bytesRead, cacheHits };
  };
  for (let rep = 0; rep < reps; rep++) {
    const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-bench-cache-'));
    try {
      const cache = fileCache(dir, { maxBytes: 256 * MiB });
      first.push(await scan(cache));
      second.push(await scan(fileCache(dir, { maxBytes: 256 * MiB }))); // a new cache over the directory: as after a restart
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const m = (xs, key) => median(xs.map((r) => r[key]));
  const ratios = first.map((r, i) => r.time / second[i].time);
  rows.push({
    name: 'a 64 MiB scan (1 MiB readInto) through a fileCache: the second run (a new fileCache over the same directory) vs the first (empty)',
    value: `${m(second, 'time').toFixed(3)} s vs ${m(first, 'time').toFixed(3)} s; from the server ${(m(second, 'bytesRead') / MiB).toFixed(2)} MiB in ${m(second, 'requests')} requests vs ${(m(first, 'bytesRead') / MiB).toFixed(1)} MiB in ${m(first, 'requests')}; ${m(second, 'cacheHits')} cache hits`,
    ratio: `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, n=${ratios.length}) as fast`,
    target: 'the second run: only the probe reaches the server',
    pass: m(second, 'requests') <= 1 && m(second, 'bytesRead') <= 64 * KiB,
    numbers: spread(ratios, [], 'as fast'),
  });
  return rows;
}
