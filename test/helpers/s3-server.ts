/**
 * A private S3 bucket on 127.0.0.1: s3rver (an S3-compatible server) in-process, behind
 * a gate that does what s3rver does not, verify AWS Signature Version 4.
 *
 * s3rver checks only that a v4 request names a known access key: it never computes the
 * signature, and it serves unsigned requests to anyone. So clients talk to the gate (a
 * node:http proxy on its own port), which verifies every request with node:crypto against
 * one access key and secret, either form of SigV4:
 *
 *   - the Authorization header (`AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`,
 *     with X-Amz-Date within 15 minutes of now and X-Amz-Content-Sha256), or
 *   - a presigned URL's query (X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders,
 *     -Signature), refused once X-Amz-Date + X-Amz-Expires has passed;
 *
 * answers 403 with an S3 error document (AccessDenied, SignatureDoesNotMatch, …) to a
 * missing, bad or expired signature, and forwards what it accepts to s3rver with the
 * signature removed. Every request is recorded (`requests`), accepted or not.
 *
 * One answer of s3rver's is mended on the way back: a Range request on an empty object,
 * which s3rver answers with a promised byte it never sends, gets S3's 416 (see below).
 *
 * The objects are put straight into s3rver (`put()`), past the gate, so setting up and
 * overwriting objects never shows in `requests`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** The one key pair the gate accepts (in the style of AWS's documentation examples). */
export const ACCESS_KEY_ID = 'AKIAPORTABLEMMAPTEST';
export const SECRET_ACCESS_KEY = 'portable/mmap/secret+access/key/for/tests';
export const REGION = 'us-east-1';
export const BUCKET = 'private-bucket';

/** Largest X-Amz-Expires S3 accepts: 7 days. */
const MAX_EXPIRES = 7 * 24 * 3600;
/** How far X-Amz-Date of a header-signed request may be from now. */
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface GateRequest {
  method: string;
  /** Path and query as received (a presigned URL's signature included). */
  url: string;
  range?: string;
  ifMatch?: string;
  /** How the request was signed, as far as it claimed to be. */
  signed: 'header' | 'query' | false;
  /** The status the gate answered with (403), or s3rver's status for a forwarded request. */
  status: number;
  /** Set when the gate refused the request: the S3 error code. */
  refused?: string;
}

export interface S3Server {
  /** The gate's origin, e.g. http://127.0.0.1:41234 (path-style: `${origin}/${bucket}/${key}`). */
  readonly origin: string;
  /** `${origin}/${BUCKET}/${key}`. */
  url(key: string): string;
  /** Every request the gate received, in order of arrival. */
  readonly requests: readonly GateRequest[];
  /** Puts (or overwrites) an object, straight into s3rver. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** RFC 3986 encoding as SigV4 wants it: encodeURIComponent plus !'()*. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical URI of an S3 request: each path segment decoded, then encoded once. */
function canonicalUri(pathname: string): string {
  return pathname.split('/').map((segment) => uriEncode(decodeURIComponent(segment))).join('/');
}

/** The canonical query string: every parameter but `omit`, encoded, sorted by name then value. */
function canonicalQuery(params: URLSearchParams, omit?: string): string {
  return [...params]
    .filter(([name]) => name !== omit)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([n1, v1], [n2, v2]) => (n1! < n2! ? -1 : n1! > n2! ? 1 : v1! < v2! ? -1 : v1! > v2! ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20261204T185315Z` → epoch ms; NaN if malformed. */
function parseAmzDate(text: string | undefined | null): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!match) return NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

interface Claim {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  payloadHash: string;
}

/**
 * Verifies one request's SigV4 signature; returns how it was signed, or throws a Refusal.
 * Unsigned requests are refused too: the bucket is private.
 */
function verify(request: IncomingMessage, url: URL): 'header' | 'query' {
  const authorization = headerValue(request, 'authorization');
  const presigned = url.searchParams.has('X-Amz-Signature') || url.searchParams.has('X-Amz-Algorithm');
  if (authorization !== undefined && presigned) throw new Refusal('InvalidArgument', 'Only one auth mechanism allowed');
  let claim: Claim;
  let kind: 'header' | 'query';
  const now = Date.now();
  if (authorization !== undefined) {
    kind = 'header';
    const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!match) throw new Refusal('AuthorizationHeaderMalformed', 'The authorization header is malformed');
    const amzDate = headerValue(request, 'x-amz-date');
    const time = parseAmzDate(amzDate);
    if (Number.isNaN(time)) throw new Refusal('AccessDenied', 'AWS authentication requires a valid X-Amz-Date header');
    if (Math.abs(now - time) > MAX_SKEW_MS) throw new Refusal('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large');
    const payloadHash = headerValue(request, 'x-amz-content-sha256');
    if (payloadHash === undefined) throw new Refusal('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    claim = { credential: match[1]!, signedHeaders: match[2]!, signature: match[3]!, amzDate: amzDate!, payloadHash };
  } else if (presigned) {
    kind = 'query';
    const q = url.searchParams;
    if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new Refusal('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    const [credential, signedHeaders, signature, amzDate, expires] =
      ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-Expires'].map((name) => q.get(name));
    if (!credential || !signedHeaders || !signature || !amzDate || !expires) {
      throw new Refusal('AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters');
    }
    const time = parseAmzDate(amzDate);
    const seconds = /^\d{1,7}$/.test(expires) ? Number(expires) : NaN;
    if (Number.isNaN(time) || !(seconds >= 1 && seconds <= MAX_EXPIRES)) throw new Refusal('AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is invalid');
    if (now > time + seconds * 1000) throw new Refusal('AccessDenied', 'Request has expired');
    if (time - now > MAX_SKEW_MS) throw new Refusal('AccessDenied', 'Request is not valid yet');
    claim = { credential, signedHeaders, signature, amzDate, payloadHash: 'UNSIGNED-PAYLOAD' };
  } else {
    throw new Refusal('AccessDenied', 'Access Denied');
  }

  const [accessKeyId, date, region, service, terminator, ...rest] = claim.credential.split('/');
  if (accessKeyId !== ACCESS_KEY_ID) throw new Refusal('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records');
  if (rest.length > 0 || date !== claim.amzDate.slice(0, 8) || region !== REGION || service !== 's3' || terminator !== 'aws4_request') {
    throw new Refusal('AuthorizationHeaderMalformed', `The credential scope ${claim.credential} is not <key>/${claim.amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`);
  }
  const signed = claim.signedHeaders.split(';');
  if (!signed.includes('host')) throw new Refusal('AccessDenied', 'host must be a signed header');
  // S3 refuses x-amz-* headers that the signature does not cover.
  for (const name of Object.keys(request.headers)) {
    if (name.startsWith('x-amz-') && !signed.includes(name)) throw new Refusal('AccessDenied', `There were headers present in the request which were not signed: ${name}`);
  }
  const canonicalHeaders = signed.map((name) => `${name}:${(headerValue(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [
    request.method,
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams, kind === 'query' ? 'X-Amz-Signature' : undefined),
    canonicalHeaders,
    claim.signedHeaders,
    claim.payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', claim.amzDate, `${date}/${region}/${service}/aws4_request`,
    createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${SECRET_ACCESS_KEY}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(claim.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Refusal('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
  return kind;
}

function refuse(response: ServerResponse, refusal: Refusal): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error>`;
  response.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts s3rver with `objects` in BUCKET, and the gate in front of it. */
export async function startS3Server(objects: Record<string, Uint8Array> = {}): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'portable-mmap-s3-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port: s3Port } = await s3.run();
  const s3Origin = `http://127.0.0.1:${s3Port}`;
  const requests: GateRequest[] = [];
  // no keep-alive to s3rver, so closing it never waits for idle connections
  const agent = new Agent({ keepAlive: false });

  const gate = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://gate');
    const record: GateRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      range: headerValue(request, 'range'),
      ifMatch: headerValue(request, 'if-match'),
      signed: headerValue(request, 'authorization') !== undefined ? 'header' : url.searchParams.has('X-Amz-Signature') ? 'query' : false,
      status: 0,
    };
    requests.push(record);
    try {
      verify(request, url);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      record.status = 403;
      record.refused = error.code;
      request.resume();
      refuse(response, error);
      return;
    }
    // s3rver is told nothing of the signature (it would only check the key's name).
    for (const name of [...url.searchParams.keys()]) if (name.startsWith('X-Amz-')) url.searchParams.delete(name);
    const headers = { ...request.headers, host: `127.0.0.1:${s3Port}` };
    delete headers.authorization;
    const upstream = httpRequest(`${s3Origin}${url.pathname}${url.search}`, { method: request.method, headers, agent }, (answer) => {
      if (answer.statusCode === 206 && /\/0$/.test(answer.headers['content-range'] ?? '')) {
        // s3rver's answer to a Range on an empty object is `206`, `Content-Range: bytes 0-0/0`
        // and `Content-Length: 1` with no body, so the client waits for that byte for ever.
        // S3 answers 416 InvalidRange; the gate sends that, with the `Content-Range: bytes */0`
        // RFC 9110 §15.5.17 asks for (whether S3 itself sends it is not known here).
        answer.destroy();
        record.status = 416;
        const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>';
        const validators = { ETag: answer.headers.etag ?? '', 'Last-Modified': answer.headers['last-modified'] ?? '' };
        response.writeHead(416, { ...validators, 'Content-Range': 'bytes */0', 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
        response.end(body);
        return;
      }
      record.status = answer.statusCode ?? 0;
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  });
  const gatePort = await listen(gate);
  const origin = `http://127.0.0.1:${gatePort}`;

  const put = (key: string, bytes: Uint8Array): Promise<void> => new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length };
    const upload = httpRequest(`${s3Origin}/${BUCKET}/${key}`, { method: 'PUT', headers, agent }, (answer) => {
      answer.resume();
      answer.on('end', () => (answer.statusCode === 200 ? resolve() : reject(new Error(`PUT ${key} into s3rver answered ${answer.statusCode}`))));
    });
    upload.on('error', reject);
    upload.end(bytes);
  });
  for (const [key, bytes] of Object.entries(objects)) await put(key, bytes);

  return {
    origin,
    url: (key) => `${origin}/${BUCKET}/${key}`,
    requests,
    put,
    async close() {
      gate.closeAllConnections();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
      s3.httpServer?.closeAllConnections();
      await s3.close();
      agent.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
