/** Runs the async-map cases over one fixture and returns a plain report (for non-jest runtimes). No node:* imports. */
import { makeT } from '../conformance/harness.js';
import type { FixtureReport } from '../conformance/run-cases.js';
import { allAsyncCases } from './cases/index.js';
import type { AsyncCase, RemoteFixture } from './harness.js';

export async function runAsyncCases(fixture: RemoteFixture, cases: AsyncCase[] = allAsyncCases): Promise<FixtureReport> {
  const report: FixtureReport = { fixture: fixture.name, passed: 0, failed: [] };
  for (const c of cases) {
    try {
      await c.run(fixture, makeT());
      report.passed++;
    } catch (error) {
      report.failed.push({ name: c.name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return report;
}
