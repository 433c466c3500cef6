/** Shared by the HTTP fault tests: a fault-injecting server over 16 MiB of random data, fresh counters per test. Importing it registers the hooks. */
import { randomFillSync } from 'node:crypto';
import { openHttpSource, type HttpSource, type HttpSourceOptions } from '../../src/sources/http/source.js';
import type { FaultServer } from '../helpers/fault-server.js';
import { faultServerFixture, rangesOf } from '../helpers/fault-server-fixture.js';

export { same, waitUntil } from '../helpers/fault-server-fixture.js';
export const MiB = 1024 * 1024;
export const PROBE = 4096;
export let server: FaultServer;
export let data: Uint8Array;
export let testId = 0;

faultServerFixture(() => randomFillSync(new Uint8Array(16 * MiB)), (fixture) => ({ server, data, testId } = fixture));

/** A URL with fresh counters for this test. */
export const faultUrl = (query: Record<string, string | number> = {}) => server.url({ ...query, t: testId });

/** Fast retries, so failing cases finish quickly; a small probe. */
export const FAST: HttpSourceOptions = { retryDelay: 1, maxRetryDelay: 5, probeLength: PROBE };

export const open = (query: Record<string, string | number>, options: HttpSourceOptions = {}) =>
  openHttpSource(faultUrl(query), { ...FAST, ...options });

export async function readAt(source: HttpSource, position: number, length: number): Promise<Uint8Array> {
  const into = new Uint8Array(length);
  return into.subarray(0, await source.read(into, position));
}

export const ranges = () => rangesOf(server);
