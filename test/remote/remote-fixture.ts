/** Shared by test/remote: a fault server on 127.0.0.1 over a seeded object, fresh URL counters per test. Importing it registers the hooks. */
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { seededObject } from '../helpers/random.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const SEED = 0x5eed;
export let server: FaultServer;
export let data: Uint8Array;
let testId = 0;

beforeAll(async () => {
  data = seededObject(SEED, 8 * MiB);
  server = await startFaultServer(data);
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  testId++;
  server.reset();
});

/** A URL with fresh counters for this test. */
export const urlFor = (query: Record<string, string | number> = {}, path?: string) => server.url({ ...query, t: testId }, path);

export const ranges = () => server.requests.map((r) => r.range);
export const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
export const slice = (offset: number, length: number) => data.subarray(offset, offset + length);
/** `bytes=a-b` for [start, end). */
export const rangeOf = (start: number, end: number) => `bytes=${start}-${end - 1}`;

export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
