/**
 * One fault server (fault-server.ts) per test file, over bytes the file chooses, with fresh
 * URL counters per test: what the HTTP fault fixtures of test/sources and test/remote share.
 * Call faultServerFixture() at a module's top level: it registers the jest hooks, and `bind`
 * hands the server, its bytes and the test's number to the module's own exports after each.
 */
import { startFaultServer, type FaultServer } from './fault-server.js';

export interface FaultFixture {
  server: FaultServer;
  data: Uint8Array;
  /** Goes up by one per test: URLs carry it, so each test counts its own requests. */
  testId: number;
}

export function faultServerFixture(makeData: () => Uint8Array, bind: (fixture: FaultFixture) => void): FaultFixture {
  const fixture = { testId: 0 } as FaultFixture;
  beforeAll(async () => {
    fixture.data = makeData();
    fixture.server = await startFaultServer(fixture.data);
    bind(fixture);
  });
  afterAll(async () => {
    await fixture.server?.close();
  });
  beforeEach(() => {
    fixture.testId++;
    fixture.server.reset();
    bind(fixture);
  });
  return fixture;
}

/** The Range header of every request the server saw since this test began. */
export const rangesOf = (server: FaultServer) => server.requests.map((r) => r.range);

export const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
