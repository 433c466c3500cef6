/**
 * A fault-injecting HTTP Range server (node:http on 127.0.0.1) for what nginx will not
 * do on demand. It serves one byte array at any path; the query string chooses a fault
 * and when it strikes:
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
 *   mode=nolength   206 with `Content-Range: bytes a-b/*`
 *   mode=grown      206 whose Content-Range gives a total one byte larger (same validators)
 *   mode=encoding   206 with Content-Encoding: br
 *   from=N          the fault strikes from the N-th request to this URL on (0 = the probe; default 1)
 *   times=N         … for N requests, then answers correctly again (default: always)
 *   delay=MS        for slow/stall; with mode=ok, every answer waits that long (concurrency tests)
 *   etag=strong|weak|none, lastModified=none   the validators sent (default strong ETag "v1" and a date)
 *
 * The path `/empty` serves an empty object (a Range request gets 416 `bytes *\/0`).
 * Requests are counted per URL (path + query); every request is recorded with its headers,
 * and `maxInFlight` is the most requests the server was answering at once.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultRequest {
  url: string;
  /** 0 for the first request to this URL. */
  index: number;
  headers: IncomingHttpHeaders;
  range?: string;
  ifMatch?: string;
  ifUnmodifiedSince?: string;
  /** Body bytes written before the response ended or the connection closed. */
  bytesSent: number;
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
  reset(): void;
  close(): Promise<void>;
}

export const LAST_MODIFIED = 'Wed, 21 Oct 2026 07:28:00 GMT';

interface Plan {
  mode: string;
  faulty: boolean;
  delay: number;
  query: URLSearchParams;
}

function plan(url: URL, index: number): Plan {
  const query = url.searchParams;
  const from = Number(query.get('from') ?? 1);
  const times = Number(query.get('times') ?? Infinity);
  const faulty = index >= from && index < from + times;
  return { mode: query.get('mode') ?? 'ok', faulty, delay: Number(query.get('delay') ?? 0), query };
}

function validators(query: URLSearchParams, etagValue = '"v1"'): Record<string, string> {
  const headers: Record<string, string> = {};
  const etag = query.get('etag') ?? 'strong';
  if (etag === 'strong') headers.ETag = etagValue;
  if (etag === 'weak') headers.ETag = `W/${etagValue}`;
  if (query.get('lastModified') !== 'none') headers['Last-Modified'] = LAST_MODIFIED;
  return headers;
}

/** Parses `bytes=a-b` (or `bytes=a-`), clipped to `size`; undefined if unsatisfiable or absent. */
function requestedRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Math.min(size - 1, match[2] === '' ? size - 1 : Number(match[2]));
  return start <= end ? { start, end } : undefined;
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
  const requests: FaultRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  async function send(res: ServerResponse, record: FaultRequest, body: Uint8Array, stopAfter = body.length): Promise<void> {
    for (let at = 0; at < stopAfter && !res.destroyed; at += 65536) {
      const chunk = body.subarray(at, Math.min(stopAfter, at + 65536));
      const drained = res.write(chunk);
      record.bytesSent += chunk.length;
      if (!drained) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  }

  async function answer(req: IncomingMessage, res: ServerResponse, record: FaultRequest, url: URL): Promise<void> {
    const data = url.pathname === '/empty' ? new Uint8Array(0) : served;
    const { mode, faulty, delay, query } = plan(url, record.index);
    const fault = faulty ? mode : 'ok';
    const headers = validators(query, fault === 'etag' ? '"v2"' : '"v1"');
    if (fault === 'slow' || (mode === 'ok' && delay > 0)) await wait(delay, res);
    if (res.destroyed) return;
    if (fault === 'status') {
      const status = Number(query.get('status') ?? 503);
      const retryAfter = query.get('retryAfter');
      res.writeHead(status, { 'Content-Type': 'text/plain', ...(retryAfter ? { 'Retry-After': retryAfter } : {}) });
      return void res.end(`status ${status}`);
    }
    if (fault === 'full200') {
      res.writeHead(200, { ...headers, 'Content-Length': data.length });
      return void (await send(res, record, data), res.end());
    }
    if (fault === 'ok' && req.headers['if-match'] !== undefined && req.headers['if-match'] !== headers.ETag) {
      res.writeHead(412);
      return void res.end();
    }
    if (fault === 'ok' && req.headers['if-unmodified-since'] !== undefined && req.headers['if-unmodified-since'] !== LAST_MODIFIED) {
      res.writeHead(412);
      return void res.end();
    }
    const range = requestedRange(req.headers.range, data.length);
    if (range === undefined) {
      res.writeHead(416, { 'Content-Range': `bytes */${data.length}` });
      return void res.end();
    }
    const body = data.subarray(range.start, range.end + 1);
    const shift = fault === 'badrange' ? 1 : 0;
    const total = fault === 'nolength' ? '*' : String(data.length + (fault === 'grown' ? 1 : 0));
    headers['Content-Range'] = `bytes ${range.start + shift}-${range.end + shift}/${total}`;
    if (fault === 'encoding') headers['Content-Encoding'] = 'br';
    const chunked = fault === 'short' || fault === 'long';
    res.writeHead(206, chunked ? headers : { ...headers, 'Content-Length': body.length });
    if (fault === 'stall') await wait(delay, res);
    if (fault === 'short') return void (await send(res, record, body, Math.floor(body.length / 2)), res.end());
    if (fault === 'long') return void (await send(res, record, body), await send(res, record, new Uint8Array(16)), res.end());
    if (fault === 'reset') {
      await send(res, record, body, Math.floor(body.length / 2));
      return void res.socket?.resetAndDestroy();
    }
    await send(res, record, body);
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
      index,
      headers: req.headers,
      range: req.headers.range,
      ifMatch: req.headers['if-match'] as string | undefined,
      ifUnmodifiedSince: req.headers['if-unmodified-since'] as string | undefined,
      bytesSent: 0,
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
    res.once('close', finish);
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
    reset() {
      requests.length = 0;
      counts.clear();
      maxInFlight = inFlight;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
