/** Runs the async-map cases over one fixture and returns a plain report (for non-jest runtimes). No node:* imports. */
import { runEach, type FixtureReport } from '../conformance/run-cases.js';
import { allAsyncCases } from './cases/index.js';
import type { AsyncCase, RemoteFixture } from './harness.js';

export function runAsyncCases(fixture: RemoteFixture, cases: AsyncCase[] = allAsyncCases): Promise<FixtureReport> {
  return runEach(fixture.name, fixture, cases);
}
