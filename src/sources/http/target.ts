/**
 * What an HTTP source is opened on: a URL (string or URL) or a Request, with the headers
 * and signal it brings; and the RequestInit every request adds (noStore()).
 */
import { invalidArgType, invalidArgValue } from '../../errors.js';

export type HttpTarget = string | URL | Request;

export interface ResolvedTarget {
  /** What fetch is called with: the URL's text, or the caller's Request itself (keeping its mode, credentials, …). */
  input: string | Request;
  url: string;
  /** A Request's own headers, then `extraHeaders` over them: sent with every request. */
  headers: Headers;
  /** A Request's own signal, which the source follows as well as `options.signal`. */
  signal?: AbortSignal;
}

/**
 * Resolves `target`; a relative URL resolves against `location` where there is one (browsers).
 * Schemes other than http(s) are refused unless the caller brings its own fetch.
 * @throws {TypeError} ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE (not a URL, another scheme, a Request that is not GET)
 */
export function resolveTarget(target: HttpTarget, extraHeaders: HeadersInit | undefined, customFetch: boolean): ResolvedTarget {
  let resolved: ResolvedTarget;
  if (typeof Request === 'function' && target instanceof Request) {
    if (target.method !== 'GET') throw invalidArgValue('target.method', target.method);
    resolved = { input: target, url: target.url, headers: new Headers(target.headers), signal: target.signal };
  } else {
    if (typeof target !== 'string' && !(target instanceof URL)) throw invalidArgType('target', 'a string, a URL or a Request', target);
    let url: URL;
    try {
      url = new URL(target, (globalThis as { location?: { href: string } }).location?.href);
    } catch {
      throw invalidArgValue('target', String(target));
    }
    if (!customFetch && url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidArgValue('target', url.href);
    resolved = { input: url.href, url: url.href, headers: new Headers() };
  }
  // fetch(request, { headers }) replaces the Request's headers, so they are merged here.
  new Headers(extraHeaders).forEach((value, name) => resolved.headers.set(name, value));
  return resolved;
}

let noStoreInit: RequestInit | undefined;

/**
 * `cache: 'no-store'` where the runtime's Request has the option. A browser's HTTP cache
 * would keep a second copy of what the pager holds, and could answer a range from its
 * copy without asking the server, so a changed object would go unnoticed. (workerd before
 * compatibility date 2024-11-11 throws on the option, hence the probe.)
 */
export function noStore(): RequestInit {
  if (noStoreInit === undefined) {
    try {
      new Request('http://localhost/', { cache: 'no-store' });
      noStoreInit = { cache: 'no-store' };
    } catch {
      noStoreInit = {};
    }
  }
  return noStoreInit;
}
