import { backoffMs } from '../../src/sources/http/retry.js';
import {
  checkProbe,
  checkRange,
  contentEncoding,
  isRetryableStatus,
  parseContentRange,
  preconditionHeaders,
  readValidators,
  retryAfterMs,
  validatorChange,
} from '../../src/sources/http/headers.js';

describe('parseContentRange()', () => {
  it.each([
    ['bytes 0-9/100', { start: 0, end: 9, total: 100 }],
    ['bytes 42-42/43', { start: 42, end: 42, total: 43 }],
    ['BYTES  5-6/*', { start: 5, end: 6, total: undefined }],
    ['bytes */0', { total: 0 }],
    ['bytes */1000', { total: 1000 }],
    ['bytes 4294967296-4294967297/8589934592', { start: 2 ** 32, end: 2 ** 32 + 1, total: 2 ** 33 }],
  ])('parses %j', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });

  it.each([null, '', 'bytes', 'bytes 9-0/100', 'bytes 0-100/100', 'bytes */*', 'items 0-1/2', 'bytes -1-2/3', 'bytes 0-1/99999999999999999999'])(
    'refuses %j',
    (header) => {
      expect(parseContentRange(header)).toBeUndefined();
    },
  );
});

describe('validators', () => {
  it('reads ETag and Last-Modified', () => {
    expect(readValidators(new Headers({ ETag: '"a"', 'Last-Modified': 'Wed, 21 Oct 2026 07:28:00 GMT' }))).toEqual({
      etag: '"a"',
      lastModified: 'Wed, 21 Oct 2026 07:28:00 GMT',
    });
    expect(readValidators(new Headers())).toEqual({});
  });

  it('sends If-Match only with a strong ETag, else If-Unmodified-Since, else nothing', () => {
    expect(preconditionHeaders({ etag: '"a"', lastModified: 'd' })).toEqual([['If-Match', '"a"']]);
    expect(preconditionHeaders({ etag: 'W/"a"', lastModified: 'd' })).toEqual([['If-Unmodified-Since', 'd']]);
    expect(preconditionHeaders({ etag: 'W/"a"' })).toEqual([]);
    expect(preconditionHeaders({})).toEqual([]);
  });

  it('reports a changed ETag or Last-Modified, and one a response leaves out', () => {
    expect(validatorChange({ etag: '"a"' }, { etag: '"b"' })).toMatch(/ETag/);
    expect(validatorChange({ etag: 'W/"a"' }, { etag: '"a"' })).toMatch(/ETag/);
    expect(validatorChange({ lastModified: 'x' }, { lastModified: 'y' })).toMatch(/Last-Modified/);
    expect(validatorChange({ etag: '"a"', lastModified: 'x' }, { etag: '"a"', lastModified: 'x' })).toBeUndefined();
    // Failed before the fix (issue 16 row 7): a response without the validators the object had was taken as its bytes.
    expect(validatorChange({ etag: '"a"', lastModified: 'x' }, {})).toMatch(/ETag "a" is gone/);
    expect(validatorChange({ etag: '"a"', lastModified: 'x' }, { etag: '"a"' })).toMatch(/Last-Modified x is gone/);
    expect(validatorChange({}, { etag: '"a"', lastModified: 'x' })).toBeUndefined();
  });
});

describe('contentEncoding()', () => {
  it('ignores identity and reports anything else', () => {
    expect(contentEncoding(new Headers())).toBeUndefined();
    expect(contentEncoding(new Headers({ 'Content-Encoding': 'identity' }))).toBeUndefined();
    expect(contentEncoding(new Headers({ 'Content-Encoding': 'GZIP' }))).toBe('gzip');
  });
});

describe('retry rules', () => {
  it('retries timeouts, throttling and server errors only', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 410, 412, 416, 501, 505]) expect(isRetryableStatus(status)).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:29:00 GMT'))).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('backs off exponentially between half and all of base · 2^n, capped, never under Retry-After', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, 100, 10_000, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((n) => backoffMs(n, 100, 10_000, () => 0.999999))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(20, 100, 5000, () => 1)).toBe(5000);
    expect(backoffMs(0, 100, 5000, () => 0, 3000)).toBe(3000);
    expect(backoffMs(0, 100, 5000, () => 0, 12_000)).toBe(12_000); // Retry-After is honoured past maxMs…
    expect(backoffMs(0, 100, 5000, () => 0, 60_000)).toBe(30_000); // …up to 30 s
    expect(backoffMs(0, 100, 5000, () => 0, 60_000, 2000)).toBe(2000); // or a shorter request timeout
  });
});

const URL_ = 'http://example.test/x';
const answer = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) });

describe('checkProbe()', () => {
  it('learns the size, validators and body length from a 206', () => {
    expect(checkProbe(answer(206, { 'content-range': 'bytes 0-9/100', etag: '"a"' }), URL_)).toEqual({ size: 100, validators: { etag: '"a"' }, expected: 10 });
  });

  it('takes 416 bytes */0 and 200 with Content-Length 0 as an empty object', () => {
    expect(checkProbe(answer(416, { 'content-range': 'bytes */0' }), URL_)).toEqual({ size: 0, validators: {}, expected: 0 });
    // S3's 416 carries an XML error document: its length is not the object's
    expect(checkProbe(answer(416, { 'content-range': 'bytes */0', 'content-length': '136' }), URL_)).toEqual({ size: 0, validators: {}, expected: 0 });
    // a range from byte 0 is unsatisfiable only for an empty object, Content-Range or not
    expect(checkProbe(answer(416, { 'content-length': '136' }), URL_)).toEqual({ size: 0, validators: {}, expected: 0 });
    expect(() => checkProbe(answer(416, { 'content-range': 'bytes */50' }), URL_)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_SOURCE_FAILED', status: 416 }));
    expect(checkProbe(answer(200, { 'content-length': '0' }), URL_)).toEqual({ size: 0, validators: {}, expected: 0 });
  });

  it('retries a range elsewhere, a wrong Content-Length and a 503; refuses no length, no range, an encoding and a 404', () => {
    expect(checkProbe(answer(206, { 'content-range': 'bytes 5-9/100' }), URL_)).toMatchObject({ status: 206 });
    expect(checkProbe(answer(206, { 'content-range': 'bytes 0-9/100', 'content-length': '9' }), URL_)).toMatchObject({ status: 206 });
    expect(checkProbe(answer(503, { 'retry-after': '2' }), URL_)).toMatchObject({ status: 503, retryAfter: 2000 });
    expect(() => checkProbe(answer(206, { 'content-range': 'bytes 0-9/*' }), URL_)).toThrow(expect.objectContaining({ reason: 'no-length' }));
    expect(() => checkProbe(answer(200, {}), URL_)).toThrow(expect.objectContaining({ reason: 'no-range' }));
    expect(() => checkProbe(answer(206, { 'content-range': 'bytes 0-9/100', 'content-encoding': 'gzip' }), URL_)).toThrow(expect.objectContaining({ reason: 'content-encoding' }));
    expect(() => checkProbe(answer(404, {}), URL_)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_SOURCE_FAILED', status: 404 }));
  });
});

describe('checkRange()', () => {
  const asked = { url: URL_, size: 100, validators: { etag: '"a"' }, first: 10, last: 19 };

  it('expects the bytes a 206 promises, fewer than asked included', () => {
    expect(checkRange(answer(206, { 'content-range': 'bytes 10-19/100', etag: '"a"' }), asked)).toBe(10);
    expect(checkRange(answer(206, { 'content-range': 'bytes 10-14/100', etag: '"a"' }), asked)).toBe(5);
  });

  it('retries a range elsewhere or longer, and a 200', () => {
    expect(checkRange(answer(206, { 'content-range': 'bytes 11-19/100', etag: '"a"' }), asked)).toMatchObject({ status: 206 });
    expect(checkRange(answer(206, { 'content-range': 'bytes 10-20/100', etag: '"a"' }), asked)).toMatchObject({ status: 206 });
    expect(checkRange(answer(200, { etag: '"a"' }), asked)).toMatchObject({ status: 200 });
  });

  it('reports a 412, another length or another ETag as ERR_MMAP_SOURCE_CHANGED', () => {
    for (const response of [
      answer(412, {}),
      answer(206, { 'content-range': 'bytes 10-19/101' }),
      answer(416, { 'content-range': 'bytes */50' }),
      answer(206, { 'content-range': 'bytes 10-19/100', etag: '"b"' }),
    ]) {
      expect(() => checkRange(response, asked)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_SOURCE_CHANGED' }));
    }
  });
});
