/** The HTTP Range source against a real nginx; request counts come from nginx's access log. */
import { randomFillSync } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DEFAULT_PROBE_LENGTH, openHttpSource, type HttpSource } from '../../src/sources/http/source.js';
import { startNginx, type AccessEntry, type Nginx } from '../helpers/nginx.js';

const MiB = 1024 * 1024;
const BIG = 64 * MiB;

let nginx: Nginx;
let disk: Buffer;

/** A deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  nginx = await startNginx((root) => {
    const bytes = randomFillSync(Buffer.alloc(BIG));
    writeFileSync(join(root, 'files', 'big.bin'), bytes);
    writeFileSync(join(root, 'files', 'small.bin'), bytes.subarray(0, 1000));
    writeFileSync(join(root, 'files', 'empty.bin'), new Uint8Array(0));
    writeFileSync(join(root, 'gzip', 'text.bin.gz'), gzipSync(Buffer.alloc(MiB, 'portable-mmap ')));
  });
  disk = readFileSync(nginx.file('big.bin'));
});

afterAll(async () => {
  await nginx?.stop();
});

const open = (path: string, options = {}) => openHttpSource(nginx.url(path), options);

/** Reads `length` bytes at `position` into a fresh buffer. */
async function readAt(source: HttpSource, position: number, length: number): Promise<Uint8Array> {
  const into = new Uint8Array(length);
  const count = await source.read(into, position);
  return into.subarray(0, count);
}

const rangeOf = (e: AccessEntry) => e.range;

describe('openHttpSource() against nginx', () => {
  it('opens with one probe that learns the size, a strong ETag and Last-Modified', async () => {
    const mark = nginx.mark();
    const source = await open('/files/big.bin');
    const stat = statSync(nginx.file('big.bin'));
    expect(source.size).toBe(BIG);
    expect(source.url).toBe(nginx.url('/files/big.bin'));
    expect(source.validators.etag).toBe(`"${Math.floor(stat.mtimeMs / 1000).toString(16)}-${BIG.toString(16)}"`);
    expect(source.validators.lastModified).toBe(stat.mtime.toUTCString());
    expect(source.requests).toBe(1);
    expect(source.bytesRead).toBe(DEFAULT_PROBE_LENGTH);
    const log = await nginx.since(mark);
    expect(log).toEqual([expect.objectContaining({ method: 'GET', status: 206, range: `bytes=0-${DEFAULT_PROBE_LENGTH - 1}`, ifMatch: '' })]);
    await source.close();
  });

  it('reads random ranges of a 64 MiB file byte for byte, one If-Match range request each', async () => {
    const source = await open('/files/big.bin');
    const mark = nginx.mark();
    const next = random(0x5eed);
    const reads = Array.from({ length: 60 }, () => {
      const length = 1 + Math.floor(next() * 2 * MiB);
      const position = DEFAULT_PROBE_LENGTH + Math.floor(next() * (BIG - DEFAULT_PROBE_LENGTH - length));
      return { position, length };
    });
    const results = await Promise.all(reads.map(({ position, length }) => readAt(source, position, length)));
    results.forEach((bytes, i) => {
      const { position, length } = reads[i]!;
      expect(bytes.length).toBe(length);
      expect(Buffer.compare(bytes, disk.subarray(position, position + length))).toBe(0);
    });
    const log = await nginx.since(mark);
    expect(log).toHaveLength(reads.length);
    expect(log.map(rangeOf).sort()).toEqual(reads.map(({ position, length }) => `bytes=${position}-${position + length - 1}`).sort());
    for (const entry of log) {
      expect(entry).toMatchObject({ status: 206, ifMatch: source.validators.etag, ifRange: '', acceptEncoding: 'identity' });
    }
    expect(source.requests).toBe(1 + reads.length);
    expect(source.bytesRead).toBe(DEFAULT_PROBE_LENGTH + log.reduce((sum, e) => sum + e.bytes, 0));
    await source.close();
  });

  it('serves reads inside the probed bytes without a request, and fetches only the rest of a read that overlaps them', async () => {
    const source = await open('/files/big.bin');
    const mark = nginx.mark();
    expect(Buffer.compare(await readAt(source, 0, DEFAULT_PROBE_LENGTH), disk.subarray(0, DEFAULT_PROBE_LENGTH))).toBe(0);
    expect(Buffer.compare(await readAt(source, 100, 200), disk.subarray(100, 300))).toBe(0);
    expect(await nginx.since(mark)).toEqual([]);
    const overlap = await readAt(source, 60_000, 100_000);
    expect(Buffer.compare(overlap, disk.subarray(60_000, 160_000))).toBe(0);
    expect((await nginx.since(mark)).map(rangeOf)).toEqual([`bytes=${DEFAULT_PROBE_LENGTH}-159999`]);
    expect(source.requests).toBe(2);
    await source.close();
  });

  it('clips reads at the end of the object and never asks for bytes outside it', async () => {
    const source = await open('/files/big.bin', { probeLength: 4096 });
    const mark = nginx.mark();
    expect(Buffer.compare(await readAt(source, BIG - 100, MiB), disk.subarray(BIG - 100))).toBe(0);
    expect(Buffer.compare(await readAt(source, BIG - 1, 1), disk.subarray(BIG - 1))).toBe(0);
    expect(await source.read(new Uint8Array(10), BIG)).toBe(0);
    expect(await source.read(new Uint8Array(0), 5000)).toBe(0);
    await expect(source.read(new Uint8Array(10), BIG + 1)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(source.read(new Uint8Array(10), -1)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(source.read(new Uint8Array(10), 1.5)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    const log = await nginx.since(mark);
    expect(log.map(rangeOf)).toEqual([`bytes=${BIG - 100}-${BIG - 1}`, `bytes=${BIG - 1}-${BIG - 1}`]);
    expect(source.requests).toBe(3);
    await source.close();
  });

  it('keeps a whole object smaller than the probe and reads it with no further request', async () => {
    const mark = nginx.mark();
    const source = await open('/files/small.bin');
    expect(source.size).toBe(1000);
    expect(Buffer.compare(await readAt(source, 0, 4096), disk.subarray(0, 1000))).toBe(0);
    expect(Buffer.compare(await readAt(source, 990, 4096), disk.subarray(990, 1000))).toBe(0);
    expect(await nginx.since(mark)).toEqual([expect.objectContaining({ status: 206, range: `bytes=0-${DEFAULT_PROBE_LENGTH - 1}` })]);
    await source.close();
  });

  it('opens an empty object as size 0 (nginx answers its probe 200 with Content-Length 0)', async () => {
    const mark = nginx.mark();
    const source = await open('/files/empty.bin');
    expect(source.size).toBe(0);
    expect(await source.read(new Uint8Array(10), 0)).toBe(0);
    expect(await nginx.since(mark)).toEqual([expect.objectContaining({ status: 200, bytes: 0 })]);
    expect(source.requests).toBe(1);
    await source.close();
  });

  it('fails with ERR_MMAP_SOURCE_CHANGED when the file gets a new mtime while mapped (412 to If-Match)', async () => {
    const path = nginx.file('touched.bin');
    writeFileSync(path, disk.subarray(0, MiB));
    const source = await open('/files/touched.bin', { probeLength: 4096 });
    expect(Buffer.compare(await readAt(source, 10_000, 5000), disk.subarray(10_000, 15_000))).toBe(0);
    const later = new Date(statSync(path).mtimeMs + 10_000);
    utimesSync(path, later, later);
    const mark = nginx.mark();
    await expect(readAt(source, 20_000, 5000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED', url: nginx.url('/files/touched.bin') });
    expect(await nginx.since(mark)).toEqual([expect.objectContaining({ status: 412, ifMatch: source.validators.etag })]);
    await source.close();
  });

  it('fails with ERR_MMAP_SOURCE_CHANGED when the file grows while mapped, without retrying', async () => {
    const path = nginx.file('grown.bin');
    writeFileSync(path, disk.subarray(0, MiB));
    const source = await open('/files/grown.bin', { probeLength: 4096 });
    appendFileSync(path, disk.subarray(0, 4096));
    const mark = nginx.mark();
    await expect(readAt(source, 0, 8192)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    expect((await nginx.since(mark)).map((e) => e.status)).toEqual([412]);
    await source.close();
  });

  it("refuses a gzip_static file with ERR_MMAP_SOURCE_UNSUPPORTED reason 'content-encoding'", async () => {
    const mark = nginx.mark();
    await expect(open('/gzip/text.bin')).rejects.toMatchObject({
      code: 'ERR_MMAP_SOURCE_UNSUPPORTED',
      reason: 'content-encoding',
      url: nginx.url('/gzip/text.bin'),
    });
    expect((await nginx.waitFor(mark, (log) => log.length === 1))[0]).toMatchObject({ acceptEncoding: 'identity' });
  });

  it("refuses a server that ignores Range (max_ranges 0) with reason 'no-range', abandoning the 64 MiB body at once", async () => {
    const mark = nginx.mark();
    await expect(open('/norange/big.bin')).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_UNSUPPORTED', reason: 'no-range' });
    const [entry] = await nginx.waitFor(mark, (log) => log.length === 1);
    expect(entry).toMatchObject({ status: 200, range: `bytes=0-${DEFAULT_PROBE_LENGTH - 1}` });
    expect(entry!.bytes).toBeLessThan(BIG / 2); // only what the socket buffers took before the abort
  });

  it('sends the caller’s headers with every request, the probe included', async () => {
    const mark = nginx.mark();
    const source = await open('/files/big.bin', { headers: { 'X-Custom': 'from-options', Authorization: 'Bearer t0ken' } });
    await readAt(source, MiB, 100);
    await readAt(source, 2 * MiB, 100);
    const log = await nginx.since(mark);
    expect(log).toHaveLength(3);
    for (const entry of log) expect(entry).toMatchObject({ custom: 'from-options', authorization: 'Bearer t0ken' });
    await source.close();
  });

  it('takes a Request as target and sends its own headers with every request, merged with options.headers', async () => {
    const mark = nginx.mark();
    const request = new Request(nginx.url('/files/big.bin'), { headers: { 'X-Custom': 'from-request', Authorization: 'Basic old' } });
    const source = await openHttpSource(request, { headers: { Authorization: 'Bearer new' } });
    expect(source.url).toBe(nginx.url('/files/big.bin'));
    expect(Buffer.compare(await readAt(source, 3 * MiB, 1000), disk.subarray(3 * MiB, 3 * MiB + 1000))).toBe(0);
    const log = await nginx.since(mark);
    expect(log).toHaveLength(2);
    for (const entry of log) expect(entry).toMatchObject({ custom: 'from-request', authorization: 'Bearer new' });
    await source.close();
  });

  it('calls the caller’s fetch exactly like the global fetch(input, init), for every request', async () => {
    const calls: { self: unknown; input: unknown; init: RequestInit | undefined }[] = [];
    const fetchSpy = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      calls.push({ self: this, input, init });
      return fetch(input, init);
    } as typeof fetch;
    const source = await open('/files/big.bin', { fetch: fetchSpy });
    await readAt(source, 5 * MiB, 10);
    expect(calls).toHaveLength(2);
    expect(source.requests).toBe(2);
    for (const call of calls) {
      expect(call.self).toBeUndefined();
      expect(call.input).toBe(nginx.url('/files/big.bin'));
      expect(call.init).toMatchObject({ method: 'GET' });
      expect(call.init!.signal).toBeInstanceOf(AbortSignal);
    }
    expect(new Headers(calls[1]!.init!.headers).get('range')).toBe(`bytes=${5 * MiB}-${5 * MiB + 9}`);
    expect(new Headers(calls[1]!.init!.headers).get('if-match')).toBe(source.validators.etag);
    await source.close();
  });

  it('copies straight into a view of WebAssembly memory, and takes a URL object as target', async () => {
    const source = await openHttpSource(new URL(nginx.url('/files/big.bin')));
    const memory = new WebAssembly.Memory({ initial: 4 });
    const into = new Uint8Array(memory.buffer, 1000, 150_000);
    expect(await source.read(into, 7 * MiB)).toBe(150_000);
    expect(Buffer.compare(into, disk.subarray(7 * MiB, 7 * MiB + 150_000))).toBe(0);
    expect(new Uint8Array(memory.buffer, 0, 1000).every((b) => b === 0)).toBe(true);
    expect(new Uint8Array(memory.buffer, 151_000).every((b) => b === 0)).toBe(true);
    await source.close();
  });

  it('serves the CORS headers a browser needs (for the browser tests)', async () => {
    const preflight = await fetch(nginx.url('/files/big.bin'), { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Range, If-Match/);
    const response = await fetch(nginx.url('/files/small.bin'), { headers: { Range: 'bytes=0-9' } });
    await response.arrayBuffer();
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toBe('Content-Range, Content-Length, ETag, Last-Modified, Content-Encoding');
  });

  it('fails with ERR_MMAP_SOURCE_FAILED, status 404 and the url for a missing file, without retrying', async () => {
    const mark = nginx.mark();
    await expect(open('/files/missing.bin', { retryDelay: 1 })).rejects.toMatchObject({
      code: 'ERR_MMAP_SOURCE_FAILED',
      status: 404,
      url: nginx.url('/files/missing.bin'),
    });
    expect((await nginx.since(mark)).map((e) => e.status)).toEqual([404]);
  });
});
