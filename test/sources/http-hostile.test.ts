/**
 * The HTTP source against servers that misbehave on purpose (issue 16, rows 7, 8, 10, 13):
 * redirects to another origin, validators that vanish, a probe answered with the whole
 * object, ranges answered a byte at a time, a server that never answers. Each server
 * here is a few lines of node:http on 127.0.0.1; "another origin" is another port.
 * Every test failed before its fix, except the two that show what must keep working
 * (a redirect within the origin, a server that caps its answers).
 */
import { jest } from '@jest/globals';
import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openMapAsync } from '../../src/entries/node.js';
import { openHttpSource } from '../../src/sources/http/source.js';

const SIZE = 1 << 20;
const PAGE = 4096;
const data = randomFillSync(new Uint8Array(SIZE));
const FAST = { retryDelay: 1, maxRetryDelay: 5, probeLength: PAGE };

type Handler = (request: IncomingMessage, response: ServerResponse, seen: IncomingMessage[]) => void;
interface Running {
  url: string;
  seen: IncomingMessage[];
  server: Server;
}
const running: Running[] = [];

async function serve(handler: Handler): Promise<Running> {
  const seen: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    seen.push(request);
    handler(request, response, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const entry = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/object`, seen, server };
  running.push(entry);
  return entry;
}

afterEach(async () => {
  for (const { server } of running.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Answers a Range as asked, with `headers`; `limit` caps the bytes sent per answer. */
function ranged(response: ServerResponse, range: string | undefined, headers: Record<string, string>, limit = Infinity, whole = false): void {
  const [, a, b] = /bytes=(\d+)-(\d+)/.exec(range ?? '') ?? [];
  const first = whole ? 0 : Number(a);
  const last = whole ? SIZE - 1 : Math.min(Number(b), SIZE - 1, first + limit - 1);
  response.writeHead(206, { ...headers, 'content-range': `bytes ${first}-${last}/${SIZE}`, 'content-length': String(last - first + 1) });
  response.end(data.subarray(first, last + 1));
}

const VALIDATORS = { etag: '"v1"', 'last-modified': 'Wed, 21 Oct 2026 07:28:00 GMT' };

describe('redirects and origins (row 7)', () => {
  it('never sends options.headers to another origin, and reads there while the validators hold', async () => {
    const elsewhere = await serve((request, response) => ranged(response, request.headers.range, VALIDATORS));
    const home = await serve((_, response) => {
      response.writeHead(302, { location: elsewhere.url });
      response.end();
    });
    const map = await openMapAsync(home.url, { headers: { 'x-api-key': 'secret' }, pageSize: PAGE, ...{ timeout: 5000 } });
    expect(Buffer.compare(await map.read(100_000, 50_000), data.subarray(100_000, 150_000))).toBe(0);
    await map.close();
    expect(home.seen.length).toBeGreaterThanOrEqual(2);
    expect(home.seen.every((r) => r.headers['x-api-key'] === 'secret')).toBe(true);
    expect(elsewhere.seen.length).toBe(home.seen.length);
    expect(elsewhere.seen.map((r) => r.headers['x-api-key'])).toEqual(elsewhere.seen.map(() => undefined));
    expect(elsewhere.seen.every((r) => typeof r.headers.range === 'string')).toBe(true);
  });

  it('keeps options.headers on a redirect within the origin', async () => {
    const home = await serve((request, response) => {
      if (request.url === '/object') {
        response.writeHead(307, { location: '/moved' });
        response.end();
      } else ranged(response, request.headers.range, VALIDATORS);
    });
    const map = await openMapAsync(home.url, { headers: { authorization: 'Bearer t' }, pageSize: PAGE });
    expect(Buffer.compare(await map.read(5000, 10), data.subarray(5000, 5010))).toBe(0);
    await map.close();
    expect(home.seen.filter((r) => r.url === '/moved').every((r) => r.headers.authorization === 'Bearer t')).toBe(true);
  });

  it('refuses an answer from another origin for an object without validators', async () => {
    const elsewhere = await serve((request, response) => ranged(response, request.headers.range, {}));
    const home = await serve((request, response, seen) => {
      if (seen.length === 1) return ranged(response, request.headers.range, {}); // the probe is answered at home
      response.writeHead(302, { location: elsewhere.url });
      response.end();
    });
    const source = await openHttpSource(home.url, FAST);
    await expect(source.read(new Uint8Array(10), 100_000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', url: home.url });
    await source.close();
  });

  it('reports a response that lacks a validator the object had as ERR_MMAP_SOURCE_CHANGED', async () => {
    const home = await serve((request, response, seen) => {
      ranged(response, request.headers.range, seen.length === 1 ? VALIDATORS : { etag: VALIDATORS.etag });
    });
    const source = await openHttpSource(home.url, FAST);
    await expect(source.read(new Uint8Array(10), 100_000)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    await source.close();
  });
});

describe('the probe (row 8)', () => {
  it('keeps at most what it asked for when the server sends the whole object', async () => {
    const home = await serve((request, response) => ranged(response, request.headers.range, VALIDATORS, Infinity, true));
    const map = await openMapAsync(home.url, { pageSize: PAGE, maxResident: 16 * PAGE });
    expect(map.byteLength).toBe(SIZE);
    // before the fix the probe kept (and counted) all SIZE bytes
    expect(map.stats().bytesRead).toBeLessThanOrEqual(2 * PAGE);
    expect(Buffer.compare(await map.read(0, PAGE), data.subarray(0, PAGE))).toBe(0);
    await map.close();
  });
});

describe('requests per read (row 10)', () => {
  it('fails a read that a server answers a byte at a time after a bounded number of requests', async () => {
    const home = await serve((request, response, seen) => ranged(response, request.headers.range, VALIDATORS, seen.length === 1 ? Infinity : 1));
    const source = await openHttpSource(home.url, FAST);
    await expect(source.read(new Uint8Array(PAGE), 8 * PAGE)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED' });
    expect(home.seen.length).toBeLessThanOrEqual(1 + 32); // before: 1 + 4096
    await source.close();
  });

  it('still reads from a server that caps each answer at a quarter of the read', async () => {
    const home = await serve((request, response, seen) => ranged(response, request.headers.range, VALIDATORS, seen.length === 1 ? Infinity : 64 << 10));
    const source = await openHttpSource(home.url, FAST);
    const into = new Uint8Array(256 << 10);
    expect(await source.read(into, 4 * PAGE)).toBe(into.length);
    expect(Buffer.compare(into, data.subarray(4 * PAGE, 4 * PAGE + into.length))).toBe(0);
    expect(home.seen.length).toBe(1 + 4);
    await source.close();
  });
});

describe('timeouts (row 13)', () => {
  afterEach(() => jest.useRealTimers());

  /** A fetch that answers the probe, then never answers; it records when each request's signal aborts. */
  function stallingFetch(): { fetch: typeof fetch; aborts: number[]; started: number } {
    const state = { aborts: [] as number[], started: 0 };
    const fetchImpl = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      state.started++;
      if (state.started === 1) {
        return new Response(data.slice(0, PAGE), { status: 206, headers: { ...VALIDATORS, 'content-range': `bytes 0-${PAGE - 1}/${SIZE}` } });
      }
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => {
          state.aborts.push(Date.now());
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    }) as typeof fetch;
    return Object.assign(state, { fetch: fetchImpl });
  }

  it('gives every request 30 s by default, so a stalled server fails the read instead of hanging it', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const stall = stallingFetch();
    const source = await openHttpSource('http://stalled.invalid/x', { fetch: stall.fetch, retries: 1, retryDelay: 1, maxRetryDelay: 1, probeLength: PAGE });
    const start = Date.now();
    const read = source.read(new Uint8Array(10), 100_000);
    const outcome = read.then(() => 'resolved', (error: { code?: string }) => error.code);
    await jest.advanceTimersByTimeAsync(29_999);
    expect(stall.aborts).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(2);
    expect(stall.aborts).toHaveLength(1);
    expect(stall.aborts[0] - start).toBe(30_000);
    await jest.advanceTimersByTimeAsync(31_000);
    expect(await outcome).toBe('ERR_MMAP_SOURCE_FAILED');
    await source.close();
  });

  it('waits without a bound with timeout: 0', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const stall = stallingFetch();
    const source = await openHttpSource('http://stalled.invalid/x', { fetch: stall.fetch, timeout: 0, probeLength: PAGE });
    const read = source.read(new Uint8Array(10), 100_000);
    let settled = false;
    read.then(() => (settled = true), () => (settled = true));
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect([settled, stall.aborts.length]).toEqual([false, 0]);
    await source.close();
    await expect(read).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
  });
});
