/**
 * The Node side of the remote cases when they run inside another runtime (workerd,
 * Chromium): nginx and the fault server, plus a small control server through which
 * the in-runtime fixture (web-fixture.ts) reads nginx's request log, the bytes on disk,
 * and replaces objects. It also serves `files` (a page and its bundles) from `/app/`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { remoteFixture } from './run-jest.js';

export interface ControlServer {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript' };

export async function startControlServer(files: Record<string, string | Uint8Array> = {}): Promise<ControlServer> {
  const servers = remoteFixture();
  await servers.start();
  const f = servers.fixture;
  const info = { nginx: new URL(f.url('x')).origin, fault: new URL(f.faultUrl({})).origin };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    res.setHeader('Access-Control-Allow-Origin', '*');
    const name = url.searchParams.get('name') ?? '';
    const json = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const handle = async () => {
      switch (url.pathname) {
        case '/info':
          return json(info);
        case '/mark':
          return json(await f.mark());
        case '/requests':
          return json(await f.requests(Number(url.searchParams.get('mark'))));
        case '/bytes':
          return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(await f.bytes(name));
        case '/replace':
          await f.replace(name, await body(req));
          return json(true);
        default: {
          const file = files[url.pathname.replace(/^\/app\//, '')];
          if (!url.pathname.startsWith('/app/') || file === undefined) return void res.writeHead(404).end();
          res.writeHead(200, { 'content-type': TYPES[url.pathname.split('.').pop() ?? ''] ?? 'application/octet-stream' }).end(file);
        }
      }
    };
    handle().catch((error) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await servers.stop();
    },
  };
}
