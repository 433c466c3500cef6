/**
 * Private buckets: openMapAsync() on objects that only signed requests may read, with a
 * real SigV4 signer (aws4fetch) against s3rver behind a gate that verifies every
 * signature (test/helpers/s3-server.ts). The gate's request log is the count.
 */
import { AwsClient } from 'aws4fetch';
import { openMapAsync, type AsyncMemoryMap, type PageCache } from '../../src/entries/node.js';
import { expectBytes } from '../helpers/bytes.js';
import { rng } from '../helpers/random.js';
import { ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, startS3Server, type GateRequest, type S3Server } from '../helpers/s3-server.js';

const PAGE = 64 * 1024;
const SEED = 0x53335f31;

function deterministicBytes(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = next(256);
  return bytes;
}

const BIG = deterministicBytes(3 * 1024 * 1024 + 12345, SEED); // a few MiB, not a whole number of pages
const TINY = new TextEncoder().encode('tiny object\n');
const ORIGINAL = deterministicBytes(512 * 1024, SEED + 1);
const REPLACEMENT = deterministicBytes(512 * 1024, SEED + 2); // the same size: only the ETag tells them apart

/** `Date` → SigV4's basic ISO 8601 form, `20261204T185315Z`. */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** A page cache as a user would write one (PageCache is a public interface): a Map. */
function mapCache(): PageCache & { readonly entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    get: (key) => entries.get(key),
    put: (key, bytes) => void entries.set(key, bytes),
    delete: (key) => void entries.delete(key),
  };
}

let server: S3Server;
let client: AwsClient;
const maps: AsyncMemoryMap[] = [];

beforeAll(async () => {
  server = await startS3Server({ 'big.bin': BIG, 'tiny.txt': TINY, 'empty.bin': new Uint8Array(0), 'changing.bin': ORIGINAL });
  // An endpoint that is not *.amazonaws.com needs service and region spelt out (aws4fetch
  // guesses them from the host name). retries: 0, so the gate sees one request per call.
  client = new AwsClient({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, service: 's3', region: REGION, retries: 0 });
});

afterEach(async () => {
  await Promise.all(maps.splice(0).map((map) => map.close()));
});

afterAll(async () => {
  await server?.close();
});

/** Opens `url` and remembers the map for afterEach. */
async function open(url: string, options?: Parameters<typeof openMapAsync>[1]): Promise<AsyncMemoryMap> {
  const map = await openMapAsync(url, options);
  maps.push(map);
  return map;
}

/** The gate's requests from here on. */
function since(): () => GateRequest[] {
  const mark = server.requests.length;
  return () => server.requests.slice(mark);
}

/** A `fetch` option that signs with `signer` and counts its calls. */
function signingFetch(signer: AwsClient): { fetch: typeof globalThis.fetch; readonly calls: number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls++;
      return signer.fetch(input, init);
    },
    get calls() {
      return calls;
    },
  };
}

describe('openMapAsync() with a signing fetch (aws4fetch)', () => {
  it('signs the probe and every Range GET, and reads the object byte for byte', async () => {
    const log = since();
    const signing = signingFetch(client);
    const map = await open(server.url('big.bin'), { fetch: signing.fetch, mergeGap: 0 });
    expect(map.byteLength).toBe(BIG.length);

    expectBytes(await map.read(10, 1000), BIG.subarray(10, 1010), 'inside the probe');
    expectBytes(await map.read(1024 * 1024 + 7, 200 * 1024), BIG.subarray(1024 * 1024 + 7, 1024 * 1024 + 7 + 200 * 1024), 'the middle');
    expectBytes(await map.read(BIG.length - 5000), BIG.subarray(BIG.length - 5000), 'the tail');
    expectBytes(await map.read(0), BIG, 'the whole object');

    const requests = log();
    expect(requests.length).toBeGreaterThan(2);
    expect(requests[0]).toMatchObject({ method: 'GET', range: `bytes=0-${PAGE - 1}`, signed: 'header', status: 206 });
    for (const request of requests) {
      expect(request).toMatchObject({ method: 'GET', signed: 'header', status: 206 });
      expect(request.refused).toBeUndefined();
      expect(request.range).toMatch(/^bytes=\d+-\d+$/);
    }
    // every read after the probe pins the version it learnt (If-Match is among the signed headers)
    for (const request of requests.slice(1)) expect(request.ifMatch).toMatch(/^"[0-9a-f]{32}"$/);
    expect(signing.calls).toBe(requests.length);
    expect(map.stats().requests).toBe(requests.length);
  });

  it('fails with ERR_MMAP_SOURCE_FAILED and status 403 when the secret is wrong (SignatureDoesNotMatch)', async () => {
    const log = since();
    const wrong = new AwsClient({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'not-the-secret', service: 's3', region: REGION, retries: 0 });
    const url = server.url('big.bin');
    await expect(openMapAsync(url, { fetch: (input, init) => wrong.fetch(input, init) }))
      .rejects.toMatchObject({ name: 'MmapError', code: 'ERR_MMAP_SOURCE_FAILED', status: 403, url });
    expect(log()).toEqual([expect.objectContaining({ signed: 'header', status: 403, refused: 'SignatureDoesNotMatch' })]);
  });

  it('needs the arrow form: an unbound client.fetch loses its this and never sends a request', async () => {
    const log = since();
    // The library calls `fetch` unbound, as the global fetch must be called in browsers.
    const error = await openMapAsync(server.url('big.bin'), { fetch: client.fetch })
      .then(() => undefined, (e: unknown) => e as { code?: string; cause?: unknown; message: string });
    expect(error).toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED' });
    expect(error?.cause).toBeInstanceOf(TypeError);
    expect(String((error?.cause as Error).message)).toMatch(/undefined/);
    expect(log()).toEqual([]);
    // client.fetch.bind(client) works as well as the arrow function
    const bound = await open(server.url('tiny.txt'), { fetch: client.fetch.bind(client) });
    expectBytes(await bound.read(0), TINY);
  });
});

describe('openMapAsync() on a private object without a signer', () => {
  it('rejects: the probe gets 403, ERR_MMAP_SOURCE_FAILED with status and url, not retried', async () => {
    const log = since();
    const url = server.url('big.bin');
    await expect(openMapAsync(url)).rejects.toMatchObject({ name: 'MmapError', code: 'ERR_MMAP_SOURCE_FAILED', status: 403, url });
    expect(log()).toEqual([expect.objectContaining({ method: 'GET', range: `bytes=0-${PAGE - 1}`, signed: false, status: 403, refused: 'AccessDenied' })]);
  });
});

describe('openMapAsync() on a presigned URL', () => {
  it('probes with a ranged GET (never HEAD) and reads ranges with no fetch option', async () => {
    const log = since();
    const presigned = (await client.sign(server.url('big.bin'), { aws: { signQuery: true } })).url;
    expect(new URL(presigned).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    const map = await open(presigned);
    expect(map.byteLength).toBe(BIG.length);
    expectBytes(await map.read(2 * 1024 * 1024, 300_000), BIG.subarray(2 * 1024 * 1024, 2 * 1024 * 1024 + 300_000));
    expectBytes(await map.read(100, 50), BIG.subarray(100, 150));

    const requests = log();
    expect(requests[0]).toMatchObject({ method: 'GET', range: `bytes=0-${PAGE - 1}`, signed: 'query', status: 206 });
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(request).toMatchObject({ method: 'GET', signed: 'query', status: 206 });
    expect(requests.some((request) => request.method === 'HEAD')).toBe(false);
    expect(map.stats().requests).toBe(requests.length);
  });

  it('shares one page cache between two differently signed URLs of the same object through cacheKey', async () => {
    const cache = mapCache();
    const now = Date.now();
    // two signatures of the same object, a second apart, as a server would hand out
    const first = (await client.sign(server.url('big.bin'), { aws: { signQuery: true, datetime: amzDate(now - 1000) } })).url;
    const second = (await client.sign(server.url('big.bin'), { aws: { signQuery: true, datetime: amzDate(now) } })).url;
    expect(new URL(first).searchParams.get('X-Amz-Signature')).not.toBe(new URL(second).searchParams.get('X-Amz-Signature'));
    const range = [1024 * 1024, 256 * 1024] as const; // four pages outside the probe
    const expected = BIG.subarray(range[0], range[0] + range[1]);

    const warm = await open(first, { cache, cacheKey: 's3://private-bucket/big.bin' });
    expectBytes(await warm.read(...range), expected);
    await warm.close();
    expect(cache.entries.size).toBeGreaterThanOrEqual(4);

    const log = since();
    const shared = await open(second, { cache, cacheKey: 's3://private-bucket/big.bin' });
    expectBytes(await shared.read(...range), expected);
    expect(shared.stats().cacheHits).toBeGreaterThanOrEqual(4);
    expect(log()).toEqual([expect.objectContaining({ signed: 'query', range: `bytes=0-${PAGE - 1}`, status: 206 })]); // the probe alone

    // without cacheKey the key is the full URL, signature included: nothing is shared
    const log2 = since();
    const third = (await client.sign(server.url('big.bin'), { aws: { signQuery: true, datetime: amzDate(now + 1000) } })).url;
    const unshared = await open(third, { cache });
    expectBytes(await unshared.read(...range), expected);
    expect(unshared.stats().cacheHits).toBe(0);
    expect(log2().length).toBeGreaterThan(1);
  });

  it('rejects an expired presigned URL with ERR_MMAP_SOURCE_FAILED and status 403', async () => {
    const log = since();
    const url = new URL(server.url('big.bin'));
    url.searchParams.set('X-Amz-Expires', '60');
    const expired = (await client.sign(url.href, { aws: { signQuery: true, datetime: amzDate(Date.now() - 2 * 3600 * 1000) } })).url;
    await expect(openMapAsync(expired)).rejects.toMatchObject({ name: 'MmapError', code: 'ERR_MMAP_SOURCE_FAILED', status: 403, url: expired });
    expect(log()).toEqual([expect.objectContaining({ method: 'GET', signed: 'query', status: 403, refused: 'AccessDenied' })]);
  });

  it('rejects a presigned URL whose signature was tampered with (403)', async () => {
    const presigned = new URL((await client.sign(server.url('big.bin'), { aws: { signQuery: true } })).url);
    const signature = presigned.searchParams.get('X-Amz-Signature')!;
    presigned.searchParams.set('X-Amz-Signature', `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`);
    const log = since();
    await expect(openMapAsync(presigned.href)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', status: 403 });
    expect(log()).toEqual([expect.objectContaining({ refused: 'SignatureDoesNotMatch' })]);
  });
});

describe('an object overwritten while it is mapped', () => {
  it('throws ERR_MMAP_SOURCE_CHANGED on the next uncached read; s3rver ignores If-Match, the ETag tells', async () => {
    const url = server.url('changing.bin');
    const map = await open(url, { fetch: (input, init) => client.fetch(input, init) });
    expectBytes(await map.read(0, 1000), ORIGINAL.subarray(0, 1000));
    expectBytes(await map.read(100 * 1024, 1000), ORIGINAL.subarray(100 * 1024, 100 * 1024 + 1000));

    await server.put('changing.bin', REPLACEMENT);
    const log = since();
    await expect(map.read(400 * 1024, 1000)).rejects.toMatchObject({ name: 'MmapError', code: 'ERR_MMAP_SOURCE_CHANGED', url });
    // the request carried If-Match with the old ETag, and s3rver answered 206 anyway (a
    // real S3 answers 412); the client compared the ETag of the answer itself
    const [request] = log();
    expect(request).toMatchObject({ signed: 'header', status: 206 });
    expect(request!.ifMatch).toMatch(/^"[0-9a-f]{32}"$/);

    // pages read before the change are still the old version's, and stay readable
    expectBytes(await map.read(0, 1000), ORIGINAL.subarray(0, 1000));
    await server.put('changing.bin', ORIGINAL); // for a later run of this case
  });
});

describe('empty and tiny objects', () => {
  it('maps an empty object as a zero-length map (the probe gets 416 bytes */0)', async () => {
    const log = since();
    const map = await open(server.url('empty.bin'), { fetch: (input, init) => client.fetch(input, init) });
    expect(map.byteLength).toBe(0);
    expect(await map.read(0)).toEqual(new Uint8Array(0));
    expect(log()).toEqual([expect.objectContaining({ signed: 'header', status: 416 })]);
  });

  it('reads a tiny object whole from the probe alone', async () => {
    const log = since();
    const map = await open(server.url('tiny.txt'), { fetch: (input, init) => client.fetch(input, init) });
    expect(map.byteLength).toBe(TINY.length);
    expectBytes(await map.read(0), TINY);
    expectBytes(await map.read(5, 100), TINY.subarray(5));
    expect(new TextDecoder().decode(await map.cursor().readLine())).toBe('tiny object\n');
    expect(log()).toEqual([expect.objectContaining({ range: `bytes=0-${PAGE - 1}`, signed: 'header', status: 206 })]);
  });
});
