/**
 * Runs every conformance case over some fixtures and returns a plain report, for
 * runtimes whose own runner is not jest (Deno, Bun, workerd, edge-runtime, Chromium).
 * Harness-neutral: no node:* imports.
 */
import { allCases } from './cases/index.js';
import { makeT, type Case, type Fixture } from './harness.js';

export interface CaseFailure {
  name: string;
  error: string;
}

export interface FixtureReport {
  fixture: string;
  passed: number;
  failed: CaseFailure[];
}

export async function runCases(
  fixtures: Array<Fixture & { cleanup(): void }>,
  cases: Case[] = allCases,
): Promise<FixtureReport[]> {
  const reports: FixtureReport[] = [];
  for (const fixture of fixtures) {
    const report: FixtureReport = { fixture: fixture.name, passed: 0, failed: [] };
    for (const c of cases) {
      try {
        await c.run(fixture, makeT());
        report.passed++;
      } catch (error) {
        report.failed.push({ name: c.name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      } finally {
        try {
          fixture.cleanup();
        } catch (error) {
          report.failed.push({ name: `${c.name} (cleanup)`, error: String(error) });
        }
      }
    }
    reports.push(report);
  }
  return reports;
}

/** The line a runtime prints for the jest side to parse. */
export const RESULT_PREFIX = 'PORTABLE_MMAP_RESULT ';
