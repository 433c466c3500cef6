/**
 * Runs every conformance case over some fixtures and returns a plain report, for
 * runtimes whose own runner is not jest (Deno, Bun, workerd, edge-runtime, Chromium).
 * Harness-neutral: no node:* imports.
 */
import { allCases } from './cases/index.js';
import { makeT, type Case, type Fixture, type T } from './harness.js';

export interface CaseFailure {
  name: string;
  error: string;
}

export interface FixtureReport {
  fixture: string;
  passed: number;
  failed: CaseFailure[];
}

/**
 * Runs `cases` over one fixture, one after another, and reports which failed. `after`
 * runs after each case (a fixture's cleanup); its failure counts against that case.
 */
export async function runEach<F>(
  name: string,
  fixture: F,
  cases: Array<{ name: string; run(fixture: F, t: T): void | Promise<void> }>,
  after?: () => void,
): Promise<FixtureReport> {
  const report: FixtureReport = { fixture: name, passed: 0, failed: [] };
  const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  for (const c of cases) {
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
