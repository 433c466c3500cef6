/** Shared by test/remote: a fault server on 127.0.0.1 over a seeded object, fresh URL counters per test. Importing it registers the hooks. */
import type { FaultServer } from '../helpers/fault-server.js';
import { faultServerFixture, rangesOf } from '../helpers/fault-server-fixture.js';
import { seededObject } from '../helpers/random.js';

export { same, waitUntil } from '../helpers/fault-server-fixture.js';
export const KiB = 1024;
export const MiB = 1024 * 1024;
export const SEED = 0x5eed;
export let server: FaultServer;
export let data: Uint8Array;
let testId = 0;

faultServerFixture(() => seededObject(SEED, 8 * MiB), (fixture) => ({ server, data, testId } = fixture));

/** A URL with fresh counters for this test. */
export const urlFor = (query: Record<string, string | number> = {}, path?: string) => server.url({ ...query, t: testId }, path);

export const ranges = () => rangesOf(server);
export const slice = (offset: number, length: number) => data.subarray(offset, offset + length);
/** `bytes=a-b` for [start, end). */
export const rangeOf = (start: number, end: number) => `bytes=${start}-${end - 1}`;
