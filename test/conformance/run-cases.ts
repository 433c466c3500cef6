/**
 * Runs every conformance case over some fixtures and returns a plain report, for
 * runtimes whose own runner is not jest (Deno, Bun, workerd, edge-runtime, Chromium).
 * Harness-neutral: no node:* imports.
 */
import { allCases } from './cases/index.js';
import { makeT, skipReason, type Capability, type Case, type Fixture, type T } from './harness.js';

export interface CaseFailure {
  name: string;
  error: string;
}

/** A case that did not run because it does not apply to the fixture, and why. */
export interface CaseSkip {
  name: string;
  reason: string;
}

export interface FixtureReport {
  fixture: string;
  passed: number;
  failed: CaseFailure[];
  skipped: CaseSkip[];
}

/**
 * Runs `cases` over one fixture, one after another, and reports which failed. A case
 * that does not apply to the fixture (`skipReason`) does not run and is reported as
 * skipped with its reason. `after` runs after each case that ran (a fixture's
 * cleanup); its failure counts against that case.
 */
export async function runEach<F extends object>(
  name: string,
  fixture: F,
  cases: Array<{ name: string; needs?: readonly Capability[]; run(fixture: F, t: T): void | Promise<void> }>,
  after?: () => void,
): Promise<FixtureReport> {
  const report: FixtureReport = { fixture: name, passed: 0, failed: [], skipped: [] };
  const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  for (const c of cases) {
    const reason = skipReason(c, fixture);
    if (reason) {
      report.skipped.push({ name: c.name, reason });
      continue;
    }
    try {
      await c.run(fixture, makeT());
      report.passed++;
    } catch (error) {
      report.failed.push({ name: c.name, error: describe(error) });
    } finally {
      try {
        after?.();
      } catch (error) {
        report.failed.push({ name: `${c.name} (cleanup)`, error: describe(error) });
      }
    }
  }
  return report;
}

export async function runCases(
  fixtures: Array<Fixture & { cleanup(): void }>,
  cases: Case[] = allCases,
): Promise<FixtureReport[]> {
  const reports: FixtureReport[] = [];
  for (const fixture of fixtures) reports.push(await runEach(fixture.name, fixture, cases, () => fixture.cleanup()));
  return reports;
}

/** The line a runtime prints for the jest side to parse. */
export const RESULT_PREFIX = 'PORTABLE_MMAP_RESULT ';
