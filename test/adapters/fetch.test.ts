/**
 * asFetch() as an HTTP server would answer: the status, headers and body of each
 * kind of request a Range reader sends, and of those it must refuse.
 */
import { openMap } from '../../src/entries/node.js';
import { asFetch } from '../../src/adapters/index.js';
import type { MemoryMap } from '../../src/types.js';
import { tempFiles } from '../helpers/temp-files.js';

const files = tempFiles('adapters-fetch');
const SIZE = 3 * 1024 * 1024 + 5; // past the 1 MiB a body is read whole up to, so the large one streams
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7 + (i >> 8)) & 255);
let map: MemoryMap;
beforeAll(() => {
  map = openMap(files.file('object.bin', bytes));
});
afterAll(() => {
  map.close();
  files.cleanup();
});

const URL_ = 'https://objects.example/object.bin';
const get = (headers: Record<string, string> = {}, init: RequestInit = {}) => asFetch(map, URL_)(URL_, { headers, ...init });
const body = async (response: Response) => new Uint8Array(await response.arrayBuffer());
/** Whole-file comparisons by Buffer.equals: jest's toEqual walks megabytes element by element. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

test.each([
  ['bytes=0-99', 0, 100],
  ['bytes=100-', 100, SIZE],
  ['bytes=-10', SIZE - 10, SIZE],
  ['bytes=5-999999999', 5, SIZE],
  ['bytes=-999999999', 0, SIZE],
])('Range: %s is 206 with its Content-Range and exactly those bytes', async (range, start, end) => {
  const response = await get({ Range: range });
  expect(response.status).toBe(206);
  expect(response.headers.get('Content-Range')).toBe(`bytes ${start}-${end - 1}/${SIZE}`);
  expect(response.headers.get('Content-Length')).toBe(String(end - start));
  expect(response.headers.get('Accept-Ranges')).toBe('bytes');
  expect(same(await body(response), bytes.subarray(start, end))).toBe(true);
});

test.each(['bytes=' + SIZE + '-', 'bytes=-0', 'bytes=10-5'])('Range: %s is 416 with the size', async (range) => {
  const response = await get({ Range: range });
  expect(response.status).toBe(416);
  expect(response.headers.get('Content-Range')).toBe(`bytes */${SIZE}`);
});

test('no Range, several ranges, or an If-Range that does not match: 200 with the whole body, streamed', async () => {
  const etag = (await get()).headers.get('ETag')!;
  expect(etag).toMatch(/^"/);
  for (const headers of [{}, { Range: 'bytes=0-1,5-6' }, { Range: 'bytes=0-1', 'If-Range': '"stale"' }] as Record<string, string>[]) {
    const response = await get(headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(same(await body(response), bytes)).toBe(true);
  }
  expect((await get({ Range: 'bytes=0-1', 'If-Range': etag })).status).toBe(206);
});

test('HEAD has the headers and no body; a Request object works as the input', async () => {
  const head = await get({}, { method: 'HEAD' });
  expect([head.status, head.headers.get('Content-Length'), await head.text()]).toEqual([200, String(SIZE), '']);
  const response = await asFetch(map)(new Request(URL_, { headers: { Range: 'bytes=1-2' } }));
  expect([response.status, Array.from(await body(response))]).toEqual([206, Array.from(bytes.subarray(1, 3))]);
});

test('other methods are 405 with Allow; another URL is 404 when the adapter was given one', async () => {
  const put = await get({}, { method: 'PUT', body: 'x' });
  expect([put.status, put.headers.get('Allow')]).toEqual([405, 'GET, HEAD']);
  expect((await asFetch(map, URL_)('https://objects.example/other.bin')).status).toBe(404);
  expect((await asFetch(map)('https://anywhere.example/x')).status).toBe(200);
});

test('an aborted signal rejects the fetch with AbortError', async () => {
  await expect(get({ Range: 'bytes=0-9' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
});

describe('edges', () => {
  test('an empty map: any Range is 416 (a suffix range too), a plain GET is 200 with no bytes', async () => {
    using empty = openMap(files.file('empty.bin', new Uint8Array(0)));
    const fetchEmpty = asFetch(empty);
    for (const range of ['bytes=0-', 'bytes=-5', 'bytes=0-0']) {
      const response = await fetchEmpty(URL_, { headers: { Range: range } });
      expect([range, response.status, response.headers.get('Content-Range')]).toEqual([range, 416, 'bytes */0']);
    }
    const whole = await fetchEmpty(URL_);
    expect([whole.status, whole.headers.get('Content-Length'), (await body(whole)).length]).toEqual([200, '0', 0]);
  });

  test('a closed map rejects with ERR_MMAP_CLOSED, HEAD included', async () => {
    const closing = openMap(files.file('closing.bin', bytes.subarray(0, 100)), { access: 'read' });
    const fetchClosing = asFetch(closing);
    closing.close();
    await expect(fetchClosing(URL_, { method: 'HEAD' })).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    await expect(fetchClosing(URL_, { headers: { Range: 'bytes=0-9' } })).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
  });

  test('a map that shrinks under a streamed body errors the stream instead of ending it short', async () => {
    const shrinking = openMap(files.file('shrinking.bin', bytes), { access: 'write' });
    try {
      const response = await asFetch(shrinking)(URL_);
      expect(response.headers.get('Content-Length')).toBe(String(SIZE));
      shrinking.resize(1024 * 1024 + 10); // inside the second 1 MiB read
      await expect(response.arrayBuffer()).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    } finally {
      shrinking.close();
    }
  });
});
