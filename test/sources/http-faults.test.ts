/** The HTTP Range source against a fault-injecting server: retries, arguments, refusals at open, validators. */
import { openMapAsync } from '../../src/entries/node.js';
import { openHttpSource } from '../../src/sources/http/source.js';
import { LAST_MODIFIED } from '../helpers/fault-server.js';
import { FAST, MiB, PROBE, data, faultUrl, open, ranges, readAt, same, server, testId, waitUntil } from './http-fault-fixture.js';

describe('openHttpSource() retries', () => {
  it.each([503, 500, 502, 504, 429, 408])('retries a %i twice, then reads the bytes (4 requests in all)', async (status) => {
    const source = await open({ mode: 'status', status, times: 2 });
    expect(same(await readAt(source, MiB, 1000), data.subarray(MiB, MiB + 1000))).toBe(true);
    expect(ranges()).toEqual([`bytes=0-${PROBE - 1}`, ...Array(3).fill(`bytes=${MiB}-${MiB + 999}`)]);
    expect(source.requests).toBe(4);
  });

  it('gives up after `retries` further attempts with ERR_MMAP_SOURCE_FAILED, the last status and the url', async () => {
    const source = await open({ mode: 'status', status: 503 }, { retries: 2 });
    await expect(readAt(source, 0, 10_000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', status: 503, url: source.url });
    expect(server.requests).toHaveLength(1 + 3);
    expect(source.requests).toBe(4);
  });

  it('retries the probe too', async () => {
    const source = await open({ mode: 'status', status: 503, from: 0, times: 1 });
    expect(source.size).toBe(data.length);
    expect(server.requests).toHaveLength(2);
  });

  it.each([404, 403, 401, 400, 501])('fails a %i at once, without retrying', async (status) => {
    const source = await open({ mode: 'status', status });
    await expect(readAt(source, 0, 10_000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', status, url: source.url });
    expect(server.requests).toHaveLength(2);
  });

  it('fails a 403 probe at once', async () => {
    const url = faultUrl({ mode: 'status', status: 403, from: 0 });
    await expect(openHttpSource(url, FAST)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', status: 403, url });
    expect(server.requests).toHaveLength(1);
  });

  it('waits at least Retry-After before the next attempt', async () => {
    const source = await open({ mode: 'status', status: 503, times: 1, retryAfter: 1 }, { maxRetryDelay: 2000 });
    const started = Date.now();
    await readAt(source, 0, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(server.requests).toHaveLength(3);
  });

  it('resumes after a short body from the first byte missing', async () => {
    const source = await open({ mode: 'short', times: 1 });
    const position = 2 * MiB;
    expect(same(await readAt(source, position, 100_000), data.subarray(position, position + 100_000))).toBe(true);
    expect(ranges().slice(1)).toEqual([`bytes=${position}-${position + 99_999}`, `bytes=${position + 50_000}-${position + 99_999}`]);
    expect(source.bytesRead).toBe(PROBE + 100_000);
  });

  it('resumes after a connection reset mid-body', async () => {
    const source = await open({ mode: 'reset', times: 2 });
    const position = 3 * MiB;
    expect(same(await readAt(source, position, 80_000), data.subarray(position, position + 80_000))).toBe(true);
    expect(ranges().slice(1)).toEqual([
      `bytes=${position}-${position + 79_999}`,
      `bytes=${position + 40_000}-${position + 79_999}`,
      `bytes=${position + 60_000}-${position + 79_999}`,
    ]);
  });

  it.each([
    ['short', 'a body shorter than its Content-Range'],
    ['reset', 'a connection reset mid-body'],
    ['long', 'a body longer than its Content-Range'],
    ['badrange', 'a Content-Range for other bytes'],
  ])('fails with ERR_MMAP_SOURCE_FAILED (status 206) when every attempt gets %s (%s)', async (mode) => {
    const source = await open({ mode }, { retries: 2 });
    await expect(readAt(source, MiB, 64_000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', status: 206, url: source.url });
    expect(server.requests).toHaveLength(1 + 3);
  });

  it('recovers from a Content-Range for other bytes', async () => {
    const source = await open({ mode: 'badrange', times: 1 });
    expect(same(await readAt(source, 5000, 5000), data.subarray(5000, 10_000))).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('never copies a byte past the range asked for, even from a body that is too long', async () => {
    const source = await open({ mode: 'long', times: 1 });
    const into = new Uint8Array(30_000).fill(0xee);
    expect(await source.read(into.subarray(0, 20_000), 40_000)).toBe(20_000);
    expect(same(into.subarray(0, 20_000), data.subarray(40_000, 60_000))).toBe(true);
    expect(into.subarray(20_000).every((b) => b === 0xee)).toBe(true);
  });

  it('tells a reader of the bytes as they land, in order, across a reset (landed)', async () => {
    const source = await open({ mode: 'reset', times: 1 });
    const into = new Uint8Array(80_000);
    const heard: number[] = [];
    expect(await source.read(into, 3 * MiB, { landed: (bytes) => heard.push(bytes) })).toBe(80_000);
    expect(same(into, data.subarray(3 * MiB, 3 * MiB + 80_000))).toBe(true);
    expect(heard.at(-1)).toBe(80_000);
    heard.forEach((bytes, i) => expect(bytes).toBeGreaterThan(i === 0 ? 0 : heard[i - 1]!));
    // the reset came mid-body: the retry asked only for the bytes after those that landed
    expect(ranges().slice(1)).toEqual([`bytes=${3 * MiB}-${3 * MiB + 79_999}`, `bytes=${3 * MiB + 40_000}-${3 * MiB + 79_999}`]);
  });

  it('with landed, reads a body longer than its Content-Range right, and never past the range', async () => {
    const source = await open({ mode: 'long', times: 1 });
    const into = new Uint8Array(30_000).fill(0xee);
    const heard: number[] = [];
    expect(await source.read(into.subarray(0, 20_000), 40_000, { landed: (bytes) => heard.push(bytes) })).toBe(20_000);
    expect(same(into.subarray(0, 20_000), data.subarray(40_000, 60_000))).toBe(true);
    expect(into.subarray(20_000).every((b) => b === 0xee)).toBe(true);
    expect(heard.at(-1)).toBe(20_000);
  });

  it('abandons a 200 answer to a range request at once, retries, then fails with status 200', async () => {
    const source = await open({ mode: 'full200' }, { retries: 1 });
    await expect(readAt(source, MiB, 1000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', status: 200 });
    expect(server.requests).toHaveLength(3);
    await waitUntil(() => server.inFlight === 0);
    for (const request of server.requests.slice(1)) expect(request.bytesSent).toBeLessThan(data.length);
  });
});

describe('openHttpSource() arguments', () => {
  it('refuses targets that are not http(s) URLs or GET Requests before sending anything', async () => {
    await expect(openHttpSource('ftp://example.com/x')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(openHttpSource('not a url')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(openHttpSource(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(openHttpSource(new Request(faultUrl(), { method: 'POST', body: 'x' }))).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    // fetch and timeout are validated once, by openMapAsync() (normalizeAsyncOptions), before the source exists
    await expect(openMapAsync(faultUrl(), { fetch: 'no' as unknown as typeof fetch })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(openMapAsync(faultUrl(), { timeout: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(openMapAsync(faultUrl(), { timeout: 1.5 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(server.requests).toHaveLength(0);
  });

  it('accepts another scheme when the caller brings its own fetch', async () => {
    const fetchImpl = ((input: string, init?: RequestInit) => fetch(input.replace('custom:', server.origin), init)) as typeof fetch;
    const source = await openHttpSource(`custom:/data?t=${testId}`, { ...FAST, fetch: fetchImpl });
    expect(source.size).toBe(data.length);
  });
});

describe('openHttpSource() refusals at open', () => {
  it("refuses a server that ignores Range with reason 'no-range', abandoning the body", async () => {
    const url = faultUrl({ mode: 'full200', from: 0 });
    await expect(openHttpSource(url, FAST)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_UNSUPPORTED', reason: 'no-range', url });
    expect(server.requests).toHaveLength(1);
    await waitUntil(() => server.inFlight === 0);
    expect(server.requests[0]!.bytesSent).toBeLessThan(data.length);
  });

  it("refuses a Content-Range without a complete length with reason 'no-length'", async () => {
    await expect(open({ mode: 'nolength', from: 0 })).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_UNSUPPORTED', reason: 'no-length' });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a Content-Encoding with reason 'content-encoding', at open and on a later read", async () => {
    await expect(open({ mode: 'encoding', from: 0 })).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_UNSUPPORTED', reason: 'content-encoding' });
    const source = await open({ mode: 'encoding' });
    await expect(readAt(source, 0, 10_000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_UNSUPPORTED', reason: 'content-encoding' });
  });

  it('opens an empty object from a 416 with Content-Range bytes */0', async () => {
    const source = await openHttpSource(server.url({ t: testId }, '/empty'), FAST);
    expect(source.size).toBe(0);
    expect(await source.read(new Uint8Array(8), 0)).toBe(0);
    expect(source.requests).toBe(1);
  });
});

describe('openHttpSource() validators', () => {
  it('sends If-Match with a strong ETag and never If-Range', async () => {
    const source = await open({});
    await readAt(source, 100_000, 10);
    const [probe, read] = server.requests;
    expect(probe!.ifMatch).toBeUndefined();
    expect(read).toMatchObject({ ifMatch: '"v1"', ifUnmodifiedSince: undefined });
    expect(read!.headers['if-range']).toBeUndefined();
  });

  it('fails with ERR_MMAP_SOURCE_CHANGED, without retrying, when a response carries another ETag', async () => {
    const source = await open({ mode: 'etag' });
    await expect(readAt(source, 100_000, 10)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED', url: source.url });
    expect(server.requests).toHaveLength(2);
  });

  it('uses If-Unmodified-Since with a weak ETag, and still compares the ETag of every response', async () => {
    const source = await open({ etag: 'weak', mode: 'etag', times: 0 });
    expect(source.validators).toEqual({ etag: 'W/"v1"', lastModified: LAST_MODIFIED });
    expect(same(await readAt(source, 100_000, 10), data.subarray(100_000, 100_010))).toBe(true);
    expect(server.requests[1]).toMatchObject({ ifMatch: undefined, ifUnmodifiedSince: LAST_MODIFIED });
    const changing = await open({ etag: 'weak', mode: 'etag', from: 2 });
    await readAt(changing, 100_000, 10);
    await expect(readAt(changing, 200_000, 10)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
  });

  it('uses If-Unmodified-Since with only Last-Modified', async () => {
    const source = await open({ etag: 'none' });
    expect(source.validators).toEqual({ lastModified: LAST_MODIFIED });
    await readAt(source, 100_000, 10);
    expect(server.requests[1]).toMatchObject({ ifMatch: undefined, ifUnmodifiedSince: LAST_MODIFIED });
  });

  it('reads an object with no validators, sending no precondition', async () => {
    const source = await open({ etag: 'none', lastModified: 'none' });
    expect(source.validators).toEqual({});
    expect(same(await readAt(source, 100_000, 10), data.subarray(100_000, 100_010))).toBe(true);
    expect(server.requests[1]).toMatchObject({ ifMatch: undefined, ifUnmodifiedSince: undefined });
  });

  it('fails with ERR_MMAP_SOURCE_CHANGED when the Content-Range gives another total length', async () => {
    const source = await open({ mode: 'grown' });
    await expect(readAt(source, 100_000, 10)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    expect(server.requests).toHaveLength(2);
  });
});
