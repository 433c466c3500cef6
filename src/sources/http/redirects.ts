/**
 * Redirects, followed by the source itself when the caller gave `options.headers`
 * (an API key, a bearer token): fetch's own following would carry them to whatever
 * origin a redirect names (docs/remote.md, "Redirects"). Followed by hand, a hop to
 * another origin leaves them behind. Where the runtime hides a redirect's target
 * (browsers answer `redirect: 'manual'` with an opaque response), the request fails
 * rather than guess. Without `options.headers`, fetch follows redirects as usual.
 */
import { sourceFailed } from '../../errors.js';

/** fetch's own limit (Fetch standard, "HTTP-redirect fetch"). */
export const MAX_REDIRECTS = 20;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A response and the URL that gave it (after any redirects). */
export interface Reached {
  response: Response;
  url: string;
}

export interface Hop {
  input: string | Request;
  headers: Headers;
  init: RequestInit;
}

/**
 * Sends `hop`; with `headersStayHome`, follows redirects one by one and drops
 * `privateHeaders` on a hop to another origin than `url`'s.
 * @throws {MmapError} ERR_MMAP_SOURCE_FAILED for a redirect it cannot follow safely, or too many
 */
export async function sendFollowing(fetchImpl: typeof globalThis.fetch, url: string, hop: Hop, privateHeaders: readonly string[],
  count: () => void): Promise<Reached> {
  if (privateHeaders.length === 0) {
    count();
    const response = await fetchImpl(hop.input, { ...hop.init, headers: hop.headers });
    return { response, url: response.url || url };
  }
  const home = new URL(url).origin;
  let input = hop.input;
  let at = url;
  let headers = hop.headers;
  for (let hops = 0; ; hops++) {
    count();
    const response = await fetchImpl(input, { ...hop.init, headers, redirect: 'manual' });
    if (response.type === 'opaqueredirect') {
      throw sourceFailed(`${url} redirected, and this runtime does not say where to: options.headers are not sent on blind; open the final URL`,
        { status: response.status, url });
    }
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) return { response, url: at };
    response.body?.cancel().catch(() => undefined);
    if (hops === MAX_REDIRECTS) throw sourceFailed(`${url} redirected more than ${MAX_REDIRECTS} times`, { status: response.status, url });
    const next = new URL(location, at);
    if (next.origin !== home && headers === hop.headers) {
      headers = new Headers(hop.headers);
      for (const name of privateHeaders) headers.delete(name);
    }
    input = next.href;
    at = next.href;
  }
}
