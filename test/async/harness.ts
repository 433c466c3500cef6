/**
 * The harness-neutral contract of the async-map cases: `(fixture, t)`, using only
 * `t.equal` / `t.throwsCode` / `t.rejectsCode` (test/conformance/harness.ts) and
 * what the fixture provides. No node:* imports and no jest globals, so the same
 * cases can run under jest, workerd, edge-runtime and Chromium: a runner brings
 * the build under test (`open`), a Range server holding the seeded objects
 * (seeds.ts) with a request log, and the fault server (test/helpers/fault-server.ts).
 */
import type { AsyncMapOptions, AsyncMapTarget, AsyncMemoryMap } from '../../src/types.js';
import type { T } from '../conformance/harness.js';

export { collect } from '../conformance/harness.js';
export { rng } from '../helpers/random.js';

export type { T };

/** One request the Range server logged. */
export interface LoggedRequest {
  method: string;
  /** The path, e.g. `/files/big.bin`. */
  path: string;
  status: number;
  /** The request's Range header ('' when absent), and the other headers the cases look at. */
  range: string;
  ifMatch: string;
  custom: string;
  authorization: string;
}

/** How the Range server serves a seeded object: plainly, gzip-encoded, or ignoring Range. */
export type ServeKind = 'files' | 'gzip' | 'norange';

export interface RemoteFixture {
  /** A label for titles. */
  readonly name: string;
  /** openMapAsync of the build under test. */
  open(target: AsyncMapTarget, options?: AsyncMapOptions): Promise<AsyncMemoryMap>;
  /** The URL of seeded object `name` (see SEEDS) on the Range server. */
  url(name: string, kind?: ServeKind): string;
  /** The bytes the server holds for `name` now. */
  bytes(name: string): Promise<Uint8Array>;
  /** A position in the request log: `requests(mark)` lists the requests logged after it. */
  mark(): Promise<number>;
  /** Requests answered since `mark` (every request answered before this call is in it). */
  requests(mark: number): Promise<LoggedRequest[]>;
  /** Puts `bytes` on the server as `name` (a new object, or another version with other validators). */
  replace(name: string, bytes: Uint8Array): Promise<void>;
  /** A URL of the fault server; `query` picks the fault (mode, from, delay, …). A fresh `t` keeps counters apart. */
  faultUrl(query: Record<string, string | number>): string;
  /**
   * The runtime's own fetch fails a response in a Content-Encoding it did not ask for
   * (browsers send `Accept-Encoding: identity` with Range and refuse gzip), so the map
   * sees a network failure instead of the header.
   */
  readonly refusesUnadvertisedEncoding?: boolean;
}

export interface AsyncCase {
  name: string;
  run(fixture: RemoteFixture, t: T): Promise<void>;
}

/** Where a Range header starts: `bytes=a-b` → a. */
export function rangeStart(range: string): number {
  const match = /^bytes=(\d+)-/.exec(range);
  return match ? Number(match[1]) : -1;
}

/** Bytes a Range header asks for: `bytes=a-b` → b − a + 1. */
export function rangeLength(range: string): number {
  const match = /^bytes=(\d+)-(\d+)$/.exec(range);
  return match ? Number(match[2]) - Number(match[1]) + 1 : -1;
}
