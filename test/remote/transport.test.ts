/**
 * Issue 14 ("Remote maps for real traffic"): how an HTTP map talks to a real server —
 * the probe, empty and tiny objects, validators, Retry-After, resets, options.fetch.
 */
import { openMapAsync } from '../../src/entries/node.js';
import { backoffMs, MAX_RETRY_AFTER_MS } from '../../src/sources/http/retry.js';
import { LAST_MODIFIED } from '../helpers/fault-server.js';
import { KiB, MiB, data, rangeOf, ranges, same, server, slice, urlFor } from './remote-fixture.js';

const pageSize = 4 * KiB;

describe('openMapAsync(url) probe', () => {
  it('opens with a ranged GET of the first page, never HEAD, so a server that refuses HEAD (403) maps', async () => {
    const url = urlFor();
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(403);
    expect(server.requests).toMatchObject([{ method: 'HEAD', status: 403, completed: true }]);
    server.reset();
    await using map = await openMapAsync(url, { pageSize });
    expect(map.byteLength).toBe(data.length);
    expect(same(await map.read(100, 1000), slice(100, 1000))).toBe(true);
    expect(same(await map.read(MiB, 10 * KiB), slice(MiB, 10 * KiB))).toBe(true);
    expect(server.requests.map((r) => r.method)).toEqual(server.requests.map(() => 'GET'));
    expect(server.requests[0]).toMatchObject({ method: 'GET', range: rangeOf(0, pageSize), status: 206 });
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['416 with Content-Range bytes */0', {}],
    ['200 with Content-Length 0', { zero: 200 }],
  ])('maps an empty object (%s) as a zero-length map', async (_, query: { zero?: number }) => {
    await using map = await openMapAsync(urlFor({ ...query, size: 0 }), { pageSize });
    expect(map.byteLength).toBe(0);
    expect((await map.read(0)).length).toBe(0);
    expect(await map.find('x')).toBe(-1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', range: rangeOf(0, pageSize), status: query.zero ?? 416 });
  });

  it('maps the /empty object (416 bytes */0) too', async () => {
    await using map = await openMapAsync(urlFor({}, '/empty'));
    expect(map.byteLength).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('maps an object smaller than the probe with the probe alone', async () => {
    await using map = await openMapAsync(urlFor({ size: 100 }), { pageSize });
    expect(map.byteLength).toBe(100);
    expect(same(await map.read(0), slice(0, 100))).toBe(true);
    expect(same(await map.read(37, 1000), slice(37, 63))).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.range).toBe(rangeOf(0, pageSize));
    expect(map.stats().requests).toBe(1);
  });
});

describe('openMapAsync(url) validators', () => {
  it('sends a strong ETag in If-Match, and a changed object (412) is ERR_MMAP_SOURCE_CHANGED', async () => {
    await using map = await openMapAsync(urlFor({ mode: 'modified', from: 2 }), { pageSize });
    expect(same(await map.read(MiB, 100), slice(MiB, 100))).toBe(true);
    await expect(map.read(2 * MiB, 100)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    expect(server.requests.slice(1).map((r) => r.ifMatch)).toEqual(['"v1"', '"v1"']);
    expect(server.requests.map((r) => r.status)).toEqual([206, 206, 412]);
  });

  it('never sends a weak ETag in If-Match: it pins the object by Last-Modified', async () => {
    await using map = await openMapAsync(urlFor({ etag: 'weak', mode: 'modified', from: 2 }), { pageSize });
    expect(same(await map.read(MiB, 100), slice(MiB, 100))).toBe(true);
    await expect(map.read(2 * MiB, 100)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    for (const r of server.requests) expect(r.ifMatch).toBeUndefined();
    expect(server.requests.slice(1).map((r) => r.ifUnmodifiedSince)).toEqual([LAST_MODIFIED, LAST_MODIFIED]);
    expect(server.requests.map((r) => r.status)).toEqual([206, 206, 412]);
  });

  it('pins by size when there is only a weak ETag: no precondition is sent, another length is ERR_MMAP_SOURCE_CHANGED', async () => {
    await using map = await openMapAsync(urlFor({ etag: 'weak', lastModified: 'none', mode: 'grown', from: 2 }), { pageSize });
    expect(same(await map.read(MiB, 100), slice(MiB, 100))).toBe(true);
    await expect(map.read(2 * MiB, 100)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    for (const r of server.requests) expect([r.ifMatch, r.ifUnmodifiedSince]).toEqual([undefined, undefined]);
  });
});

describe('openMapAsync(url) retries', () => {
  it('waits out a 503 with Retry-After: 1 (at least ~1 s), then reads the bytes', async () => {
    await using map = await openMapAsync(urlFor({ mode: 'status', status: 503, retryAfter: 1, times: 1 }), { pageSize });
    const started = Date.now();
    expect(same(await map.read(MiB, 5000), slice(MiB, 5000))).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(server.requests.map((r) => r.status)).toEqual([206, 503, 206]);
    expect(server.requests[2]!.range).toBe(server.requests[1]!.range);
  });

  it('caps a Retry-After longer than 30 s at the request timeout', async () => {
    await using map = await openMapAsync(urlFor({ mode: 'status', status: 503, retryAfter: 3600, times: 1 }), { pageSize, timeout: 1500 });
    const started = Date.now();
    expect(same(await map.read(MiB, 5000), slice(MiB, 5000))).toBe(true);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(10_000);
    expect(server.requests.map((r) => r.status)).toEqual([206, 503, 206]);
  });

  it('caps a Retry-After longer than 30 s at 30 s without a timeout (the backoff rule the source uses)', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(30_000);
    expect(backoffMs(0, 200, 5000, () => 0.5, 3_600_000)).toBe(30_000);
    expect(backoffMs(0, 200, 5000, () => 0.5, 3_600_000, Math.min(MAX_RETRY_AFTER_MS, 1500))).toBe(1500);
    expect(backoffMs(0, 200, 5000, () => 0.5, 7000)).toBe(7000); // honoured past maxRetryDelay
  });

  it('retries a connection reset mid-body from the first byte missing, and the bytes are right', async () => {
    await using map = await openMapAsync(urlFor({ mode: 'reset', times: 1 }), { pageSize });
    map.advise('random');
    const offset = 3 * MiB;
    expect(same(await map.read(offset, 200 * KiB), slice(offset, 200 * KiB))).toBe(true);
    const [probe, reset, resumed, ...rest] = server.requests;
    expect(probe!.range).toBe(rangeOf(0, pageSize));
    expect(reset).toMatchObject({ reset: true, range: rangeOf(offset, offset + 200 * KiB), bytesSent: 100 * KiB });
    expect(resumed).toMatchObject({ completed: true, status: 206, range: rangeOf(offset + 100 * KiB, offset + 200 * KiB) });
    expect(rest).toEqual([]);
  });
});

describe('openMapAsync(url, { fetch })', () => {
  it('calls options.fetch for every request the server sees, the probe and retries included', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => (calls++, fetch(input, init));
    await using map = await openMapAsync(urlFor({ mode: 'status', status: 503, times: 1 }), { pageSize, fetch: counting });
    const reads = [0, 100 * KiB, MiB, 5 * MiB, data.length - 10].map((offset) => map.read(offset, 9000));
    await Promise.all(reads);
    await map.read(2 * MiB, 300 * KiB);
    expect(calls).toBe(server.requests.length);
    expect(map.stats().requests).toBe(calls);
    expect(server.requests.some((r) => r.status === 503)).toBe(true);
    expect(ranges().every((range) => range !== undefined)).toBe(true);
  });
});
