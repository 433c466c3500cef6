/**
 * A map as a fetch(): libraries that take a `fetch` to read a remote file by
 * Range requests (hyparquet's asyncBufferFromUrl, @huggingface/gguf,
 * transformers.js' env.fetch, generic-filehandle's RemoteFile) read the map
 * instead, unchanged. Answers as a static file server would: GET and HEAD; 206
 * with Content-Range for one satisfiable range, 416 for a range past the end, 200
 * with the whole body otherwise (several ranges, or an If-Range that does not
 * match, are answered whole, as RFC 9110 allows); Accept-Ranges, Content-Length
 * and an ETag on every answer; 405 for other methods and 404 for another URL.
 * Wrapping bytes in a Response costs more than the direct adapters
 * (parsers.ts): prefer those where the library takes one.
 */
import { closed } from '../errors.js';
import { pinnedValidator } from '../map/validators.js';
import { checkMap, rangeStream, readExact, type AnyMap } from './bytes.js';

type FetchInput = string | URL | Request;
export type MapFetch = (input: FetchInput, init?: RequestInit) => Promise<Response>;

let tags = 0;
/** One ETag per map, whichever adapter answers for it. */
const mapTags = new WeakMap<object, string>();

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size` bytes: [start, end), 'unsatisfiable', or undefined (answer whole). */
function parseRange(header: string | null, size: number): [number, number] | 'unsatisfiable' | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return undefined; // several ranges, or not one we read
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable'; // RFC 9110 §14.1.1: nothing to end a suffix at
    return [Math.max(0, size - suffix), size];
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || last < start) return 'unsatisfiable';
  return [start, last + 1];
}

function href(input: FetchInput): string {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url, 'http://localhost/');
  url.hash = '';
  return url.href;
}

/**
 * A fetch() answering GET/HEAD of `url` (any URL when omitted) from the map. The
 * request's signal reaches the map's reads; a body is streamed in 1 MiB reads.
 */
export function asFetch(map: AnyMap, url?: string | URL): MapFetch {
  checkMap(map);
  const only = url === undefined ? undefined : href(url);
  let ownTag = mapTags.get(map);
  if (ownTag === undefined) mapTags.set(map, (ownTag = `"portable-mmap-${++tags}"`));
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers ?? request?.headers);
    const signal = init?.signal ?? request?.signal;
    if (only !== undefined && href(input) !== only) return new Response(null, { status: 404 });
    if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
    if (map.closed) throw closed(); // a closed map has no size to answer HEAD with
    const size = map.byteLength;
    const pinned = pinnedValidator(map); // a remote map's ETag passes through; a Last-Modified date is no ETag
    const etag = pinned !== undefined && /^(W\/)?"/.test(pinned) ? pinned : ownTag!;
    const common = { 'Accept-Ranges': 'bytes', ETag: etag };
    const ifRange = headers.get('If-Range');
    // If-Range compares strongly (RFC 9110 §13.1.5): a weak validator never matches
    const whole = ifRange !== null && (ifRange !== etag || ifRange.startsWith('W/'));
    const range = whole ? undefined : parseRange(headers.get('Range'), size);
    if (range === 'unsatisfiable') {
      return new Response(null, { status: 416, headers: { ...common, 'Content-Range': `bytes */${size}` } });
    }
    const [start, end] = range ?? [0, size];
    const status = range ? 206 : 200;
    const answer: Record<string, string> = { ...common, 'Content-Length': String(end - start), 'Content-Type': 'application/octet-stream' };
    if (range) answer['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
    if (method === 'HEAD') return new Response(null, { status, headers: answer });
    // A small body is read before answering, so a failed read is a rejected fetch rather than a broken stream.
    const body = end - start <= 1024 * 1024 ? await readExact(map, start, end - start, signal) : rangeStream(map, start, end, undefined, signal);
    return new Response(body as BodyInit, { status, headers: answer });
  };
}
