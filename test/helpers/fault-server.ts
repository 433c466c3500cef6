/**
 * A fault-injecting HTTP Range server (node:http on 127.0.0.1) for what nginx will not
 * do on demand. It serves one byte array at any path; the query string chooses a fault
 * and when it strikes (fault-plan.ts decides):
 *
 *   mode=ok         (default) correct 206 answers; honours If-Match and If-Unmodified-Since
 *   mode=full200    200 with the whole array (ignores Range)
 *   mode=status     answers `status` (e.g. 503, 404), with `retryAfter` seconds if given
 *   mode=short      206 whose chunked body stops at half of what Content-Range promises
 *   mode=long       206 whose chunked body has 16 bytes more than Content-Range says
 *   mode=reset      206 with Content-Length, half the body, then the connection is reset
 *   mode=slow       waits `delay` ms before the headers
 *   mode=stall      sends the headers, then waits `delay` ms before the body
 *   mode=badrange   206 whose Content-Range starts one byte after the one asked for
 *   mode=etag       206 with ETag "v2", ignoring If-Match (a server that changed and does not check)
 *   mode=modified   the object changed: ETag "v2" and a later Last-Modified, preconditions checked (412)
 *   mode=nolength   206 with `Content-Range: bytes a-b/*`
 *   mode=grown      206 whose Content-Range gives a total one byte larger (same validators)
 *   mode=encoding   206 with Content-Encoding: br
 *   mode=mix        seeded random faults: `seed`, `resetRate` (mode=reset), `errorRate` (503 with
 *                   Retry-After: 0), `maxFaults`, `maxFaultsPerRange` (see FaultMix)
 *   from=N          the fault strikes from the N-th request to this URL on (0 = the probe; default 1)
 *   times=N         … for N requests, then answers correctly again (default: always)
 *   delay=MS        for slow/stall; with mode=ok, every answer waits that long (concurrency tests)
 *   bodyDelay=MS    waits that long after each `chunk` bytes (default 65536) of every body from `from` on
 *   size=N          serves the first N bytes only (0: an empty object)
 *   zero=200        an empty object answers a Range request 200 with Content-Length 0, not 416
 *   etag=strong|weak|none, lastModified=none   the validators sent (default strong ETag "v1" and a date)
 *
 * The path `/empty` serves an empty object (a Range request gets 416 `bytes *\/0`).
 * HEAD is always 403, as presigned URLs answer it. Every request is recorded (method,
 * headers, status, whether it completed or the client went away first); requests are
 * counted per URL (path + query), and `maxInFlight` is the most answered at once.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultMix, LAST_MODIFIED, plan, requestedRange, validators } from './fault-plan.js';

export { LAST_MODIFIED, LAST_MODIFIED_LATER } from './fault-plan.js';

export interface FaultRequest {
  url: string;
  method: string;
  /** 0 for the first request to this URL. */
  index: number;
  headers: IncomingHttpHeaders;
  range?: string;
  ifMatch?: string;
  ifUnmodifiedSince?: string;
  /** The status sent (0 until the headers went out). */
  status: number;
  /** Body bytes written before the response ended or the connection closed. */
  bytesSent: number;
  /** The whole response was handed to the socket. */
  completed: boolean;
  /** The client closed the connection before the response ended. */
  aborted: boolean;
  /** The server reset the connection on purpose (mode=reset, mode=mix). */
  reset: boolean;
}

export interface FaultServer {
  readonly origin: string;
  readonly data: Uint8Array;
  /** `${origin}/data?${query}`; pass a distinct `t` (or path) per test to get fresh counters. */
  url(query?: Record<string, string | number>, path?: string): string;
  readonly requests: FaultRequest[];
  /** Requests to one URL. */
  requestsTo(url: string): FaultRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Faults served by the random mixes (mode=mix) since the last reset(). */
  readonly mixed: { faults: number; resets: number; errors: number };
  /** Forgets the requests, the per-URL counts and mixes; maxInFlight restarts from what is in flight now. */
  reset(): void;
  close(): Promise<void>;
}

/** Waits `ms`, or less if the client goes away first (so no timer outlives its request). */
function wait(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.once('close', done);
  });
}

export async function startFaultServer(served: Uint8Array): Promise<FaultServer> {
  const counts = new Map<string, number>();
  const mixes = new Map<string, FaultMix>();
  const requests: FaultRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  async function send(res: ServerResponse, record: FaultRequest, body: Uint8Array, query: URLSearchParams, stopAfter = body.length): Promise<void> {
    const chunk = Number(query.get('chunk') ?? 65536);
    const bodyDelay = record.index >= Number(query.get('from') ?? 1) ? Number(query.get('bodyDelay') ?? 0) : 0;
    for (let at = 0; at < stopAfter && !res.destroyed; at += chunk) {
      if (at > 0 && bodyDelay > 0) await wait(bodyDelay, res);
      if (res.destroyed) return;
      const piece = body.subarray(at, Math.min(stopAfter, at + chunk));
      const drained = res.write(piece);
      record.bytesSent += piece.length;
      if (!drained) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  }

  function decide(url: URL, record: FaultRequest): { fault: string; query: URLSearchParams; delay: number; mode: string } {
    const { mode, faulty, delay, query } = plan(url, record.index);
    if (!faulty || mode !== 'mix') return { fault: faulty ? mode : 'ok', query, delay, mode };
    let mix = mixes.get(record.url);
    if (mix === undefined) mixes.set(record.url, (mix = new FaultMix(query)));
    const drawn = mix.draw(record.range);
    return { fault: drawn === 'error' ? 'status' : drawn, query, delay, mode };
  }

  async function answer(req: IncomingMessage, res: ServerResponse, record: FaultRequest, url: URL): Promise<void> {
    const size = url.searchParams.get('size');
    const data = url.pathname === '/empty' ? new Uint8Array(0) : size === null ? served : served.subarray(0, Number(size));
    if (req.method === 'HEAD') return void res.writeHead(403).end();
    const { fault, query, delay, mode } = decide(url, record);
    const changed = fault === 'etag' || fault === 'modified';
    const headers = validators(query, changed ? '"v2"' : '"v1"', fault === 'modified');
    if (fault === 'slow' || (mode === 'ok' && delay > 0)) await wait(delay, res);
    if (res.destroyed) return;
    if (fault === 'status') {
      const status = mode === 'mix' ? 503 : Number(query.get('status') ?? 503);
      const retryAfter = mode === 'mix' ? '0' : query.get('retryAfter');
      res.writeHead(status, { 'Content-Type': 'text/plain', ...(retryAfter ? { 'Retry-After': retryAfter } : {}) });
      return void res.end(`status ${status}`);
    }
    if (fault === 'full200' || (data.length === 0 && query.get('zero') === '200')) {
      res.writeHead(200, { ...headers, 'Content-Length': data.length });
      return void (await send(res, record, data, query), res.end());
    }
    const checks = fault === 'ok' || fault === 'modified';
    if (checks && req.headers['if-match'] !== undefined && req.headers['if-match'] !== headers.ETag) {
      return void res.writeHead(412).end();
    }
    if (checks && req.headers['if-unmodified-since'] !== undefined && req.headers['if-unmodified-since'] !== headers['Last-Modified']) {
      return void res.writeHead(412).end();
    }
    const range = requestedRange(req.headers.range, data.length);
    if (range === undefined) return void res.writeHead(416, { 'Content-Range': `bytes */${data.length}` }).end();
    const body = data.subarray(range.start, range.end + 1);
    const shift = fault === 'badrange' ? 1 : 0;
    const total = fault === 'nolength' ? '*' : String(data.length + (fault === 'grown' ? 1 : 0));
    headers['Content-Range'] = `bytes ${range.start + shift}-${range.end + shift}/${total}`;
    if (fault === 'encoding') headers['Content-Encoding'] = 'br';
    const chunked = fault === 'short' || fault === 'long';
    res.writeHead(206, chunked ? headers : { ...headers, 'Content-Length': body.length });
    if (fault === 'stall') await wait(delay, res);
    if (fault === 'short') return void (await send(res, record, body, query, Math.floor(body.length / 2)), res.end());
    if (fault === 'long') return void (await send(res, record, body, query), await send(res, record, new Uint8Array(16), query), res.end());
    if (fault === 'reset') {
      await send(res, record, body, query, Math.floor(body.length / 2));
      record.reset = true;
      return void res.socket?.resetAndDestroy();
    }
    await send(res, record, body, query);
    res.end();
  }

  const server = createServer((req, res) => {
    // A page on another origin (the Chromium runs) may read it: CORS, and preflights answered at once, unrecorded.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range, If-Match, If-Unmodified-Since, Authorization, X-Custom');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, ETag, Last-Modified, Content-Encoding');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = url.pathname + url.search;
    const index = counts.get(key) ?? 0;
    counts.set(key, index + 1);
    const record: FaultRequest = {
      url: key,
      method: req.method ?? 'GET',
      index,
      headers: req.headers,
      range: req.headers.range,
      ifMatch: req.headers['if-match'] as string | undefined,
      ifUnmodifiedSince: req.headers['if-unmodified-since'] as string | undefined,
      status: 0,
      bytesSent: 0,
      completed: false,
      aborted: false,
      reset: false,
    };
    requests.push(record);
    // In flight from the request's arrival until the server has written its last byte
    // (or the connection closed): a client cannot start its next request before that.
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) (done = true), inFlight--;
    };
    const end = res.end.bind(res);
    res.end = ((...args: Parameters<typeof end>) => (finish(), end(...args))) as typeof res.end;
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => ((record.status = status), (writeHead as (...a: unknown[]) => ServerResponse)(status, ...rest))) as typeof res.writeHead;
    res.once('finish', () => (record.completed = !record.aborted)); // end() after the client left still finishes
    res.once('close', () => {
      if (!record.completed && !record.reset) record.aborted = true;
      finish();
    });
    answer(req, res, record, url).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    data: served,
    url(query = {}, path = '/data') {
      const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
      return `${origin}${path}${search ? `?${search}` : ''}`;
    },
    requests,
    requestsTo(url) {
      const { pathname, search } = new URL(url);
      return requests.filter((r) => r.url === pathname + search);
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get mixed() {
      const sum = { faults: 0, resets: 0, errors: 0 };
      for (const mix of mixes.values()) (sum.faults += mix.faults), (sum.resets += mix.resets), (sum.errors += mix.errors);
      return sum;
    },
    reset() {
      requests.length = 0;
      counts.clear();
      mixes.clear();
      maxInFlight = inFlight;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
