/**
 * A RemoteFixture for runtimes other than Node: the servers run in the Node host, and
 * what the fixture needs from them goes through the control server (control-server.ts).
 * No node:* imports.
 */
import type { AsyncMapOptions, AsyncMapTarget, AsyncMemoryMap } from '../../src/types.js';
import type { LoggedRequest, RemoteFixture } from './harness.js';

type OpenMapAsync = (target: AsyncMapTarget, options?: AsyncMapOptions) => Promise<AsyncMemoryMap>;

async function ok(response: Response): Promise<Response> {
  if (!response.ok) throw new Error(`control server: ${response.status} ${await response.text()}`);
  return response;
}

export async function webRemoteFixture(
  name: string,
  control: string,
  open: OpenMapAsync,
  traits: Pick<RemoteFixture, 'refusesUnadvertisedEncoding'> = {},
): Promise<RemoteFixture> {
  const info = (await (await ok(await fetch(`${control}/info`))).json()) as { nginx: string; fault: string };
  // The fault server counts requests per URL, so URLs must differ across fixtures sharing it.
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  let faultUrls = 0;
  const q = (value: string) => encodeURIComponent(value);
  return {
    ...traits,
    name,
    open,
    url: (object, kind = 'files') => `${info.nginx}/${kind}/${object}`,
    bytes: async (object) => new Uint8Array(await (await ok(await fetch(`${control}/bytes?name=${q(object)}`))).arrayBuffer()),
    mark: async () => (await (await ok(await fetch(`${control}/mark`))).json()) as number,
    // A browser's CORS preflights reach nginx too; they are the browser's requests, not the map's.
    requests: async (mark) =>
      ((await (await ok(await fetch(`${control}/requests?mark=${mark}`))).json()) as LoggedRequest[]).filter((r) => r.method !== 'OPTIONS'),
    async replace(object, bytes) {
      await ok(await fetch(`${control}/replace?name=${q(object)}`, { method: 'POST', body: bytes.slice() }));
    },
    faultUrl(query) {
      const search = new URLSearchParams(Object.entries({ ...query, t: `web-${run}-${++faultUrls}` }).map(([k, v]) => [k, String(v)]));
      return `${info.fault}/data?${search}`;
    },
  };
}
