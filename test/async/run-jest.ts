/** Runs the async-map cases under jest: a real nginx for the seeded objects (request counts from its access log) and the fault server. */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openMapAsync } from '../../src/entries/node.js';
import { makeT, pattern } from '../conformance/harness.js';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { readFileSync } from 'node:fs';
import type { AsyncCase, RemoteFixture } from './harness.js';
import { SEEDS } from './cases/seeds.js';

/** Starts the servers before the cases and stops them after; the fixture is usable inside tests. */
export function remoteFixture(): { fixture: RemoteFixture; start(): Promise<void>; stop(): Promise<void> } {
  let nginx: Nginx;
  let faults: FaultServer;
  let versions = 0;
  let faultUrls = 0;
  const fixture: RemoteFixture = {
    name: 'nginx (node)',
    open: openMapAsync,
    url: (name, kind = 'files') => nginx.url(`/${kind}/${name}`),
    bytes: async (name) => new Uint8Array(readFileSync(nginx.file(name))),
    mark: async () => nginx.mark(),
    requests: async (mark) =>
      (await nginx.since(mark)).map((e) => ({
        method: e.method,
        path: e.uri,
        status: e.status,
        range: e.range,
        ifMatch: e.ifMatch,
        custom: e.custom,
        authorization: e.authorization,
      })),
    async replace(name, bytes) {
      const path = nginx.file(name);
      writeFileSync(path, bytes);
      // Another version must have other validators even at the same size within one second: move its mtime.
      const when = new Date(Date.UTC(2030, 0, 1) + ++versions * 60_000);
      utimesSync(path, when, when);
    },
    faultUrl: (query) => faults.url({ ...query, t: ++faultUrls }),
  };
  return {
    fixture,
    async start() {
      nginx = await startNginx((root) => {
        for (const [name, seed] of Object.entries(SEEDS)) {
          const bytes = seed.bytes();
          writeFileSync(join(root, 'files', name), bytes);
          if (seed.gzip) writeFileSync(join(root, 'gzip', `${name}.gz`), gzipSync(bytes));
        }
      });
      faults = await startFaultServer(pattern(4 * 1024 * 1024, 9));
    },
    async stop() {
      await nginx?.stop();
      await faults?.close();
    },
  };
}

/** One jest test per case, in a describe block of their own. */
export function runAsyncCases(title: string, cases: AsyncCase[]): void {
  const servers = remoteFixture();
  describe(`${title}: ${servers.fixture.name}`, () => {
    beforeAll(() => servers.start());
    afterAll(() => servers.stop());
    for (const c of cases) {
      test(c.name, () => c.run(servers.fixture, makeT()));
    }
  });
}
