/**
 * Runs the bad-call table without jest and returns a plain report, for a Node that runs
 * outside this process (arm64 Node under qemu, Windows Node under Wine). Each row is
 * checked as run-table.ts checks it under jest: the code, the error's class, no
 * descriptor left open, the file unchanged; each async row must reject, not throw.
 */
import type { FixtureReport } from '../conformance/run-cases.js';
import type { MapOptions } from '../../src/types.js';
import { asyncRows, fileUnchanged, makeContext, openFds, rows, type Context } from './table.js';

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** What is wrong with a row's outcome, or undefined when it failed exactly as the table says. */
function rowProblem(context: Context & { original: Uint8Array }, call: (c: Context) => unknown, code: string): string | undefined {
  const before = openFds().join(',');
  let thrown: unknown;
  try {
    const returned = call(context);
    return `returned ${String(returned)} instead of throwing ${code}`;
  } catch (error) {
    thrown = error;
  }
  const actual = (thrown as { code?: unknown })?.code;
  if (actual !== code) return `threw ${describe(thrown)} (code ${String(actual)}), expected ${code}`;
  const expectedClass = !code.startsWith('ERR_') || code === 'ERR_MMAP_READ_ONLY' || code === 'ERR_MMAP_CLOSED' ? 'MmapError' : code === 'ERR_OUT_OF_RANGE' ? 'RangeError' : 'TypeError';
  const actualClass = expectedClass === 'MmapError' ? (thrown as Error).name : thrown instanceof RangeError ? 'RangeError' : thrown instanceof TypeError ? 'TypeError' : 'another class';
  if (actualClass !== expectedClass) return `threw ${actualClass}, expected ${expectedClass}`;
  if (openFds().join(',') !== before) return 'left a descriptor open (or closed one)';
  if (!fileUnchanged(context)) return 'changed the file';
  return undefined;
}

export async function runBadCallReport(name: string, options: MapOptions): Promise<FixtureReport> {
  const report: FixtureReport = { fixture: `bad calls (${name})`, passed: 0, failed: [], skipped: [] };
  const context = makeContext(options);
  try {
    for (const [title, call, code] of rows) {
      const problem = rowProblem(context, call, code);
      if (problem) report.failed.push({ name: title, error: problem });
      else report.passed++;
    }
    for (const [title, call, code] of asyncRows) {
      let promise: Promise<unknown>;
      try {
        promise = call(context);
      } catch (error) {
        report.failed.push({ name: title, error: `threw ${describe(error)} instead of rejecting` });
        continue;
      }
      const outcome = await promise.then(
        () => 'resolved',
        (error: unknown) => (error as { code?: unknown })?.code,
      );
      if (outcome === code) report.passed++;
      else report.failed.push({ name: title, error: `settled with ${String(outcome)}, expected a rejection with ${code}` });
    }
  } finally {
    context.cleanup();
  }
  return report;
}

/** How many rows the report must have passed: every synchronous and asynchronous row. */
export const BAD_CALL_COUNT = rows.length + asyncRows.length;
