/** Runs a runtime as a child process and reads the conformance report it prints. */
import { execFile, spawnSync } from 'node:child_process';
import { RESULT_PREFIX, type FixtureReport } from '../conformance/run-cases.js';
import { allCases } from '../conformance/cases/index.js';
import { skipReason, type Capabilities } from '../conformance/harness.js';
import type { BackendReport } from '../../src/types.js';

export interface RuntimeRun {
  detected: BackendReport;
  results: FixtureReport[];
  output: string;
}

export function runRuntime(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): RuntimeRun {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseRun(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error}` : ''}`, `${command} ${args.join(' ')} (status ${r.status})`);
}

/** Runs a command without blocking the event loop (so it may call a server in this process); stdout + stderr. */
export function spawnAsync(command: string, args: string[], options: { cwd?: string; timeout?: number } = {}): Promise<string> {
  return new Promise<string>((resolve) => {
    execFile(command, args, { cwd: options.cwd, encoding: 'utf8', timeout: options.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve(`${stdout}${stderr}${error ? `\n${error.message}` : ''}`),
    );
  });
}

/** The report in a runtime's output. */
export function parseRun(output: string, what: string): RuntimeRun {
  const line = output.split('\n').find((l) => l.includes(RESULT_PREFIX));
  if (!line) throw new Error(`${what} printed no result:\n${output.slice(-4000)}`);
  return { ...JSON.parse(line.slice(line.indexOf(RESULT_PREFIX) + RESULT_PREFIX.length)), output };
}

/**
 * What a report over `cases` must say when the fixture has `capabilities`: every case
 * that applies passed, and exactly the others are skipped, each with its reason. The
 * expected skips come from this side's copy of the cases and capabilities, so a
 * runtime cannot skip a case its fixture can run (file fixtures skip no resize case),
 * nor pass by running nothing.
 */
export function expectReport(
  report: FixtureReport | undefined,
  cases: Array<{ name: string; needs?: readonly (keyof Capabilities)[] }>,
  capabilities: Capabilities | Record<string, never>,
): void {
  expect(report).toBeDefined();
  expect(report!.failed).toEqual([]);
  const skips = cases.flatMap((c) => {
    const reason = skipReason(c, capabilities);
    return reason ? [{ name: c.name, reason }] : [];
  });
  expect(report!.skipped).toEqual(skips);
  for (const skip of report!.skipped) expect(skip.reason).toMatch(/\S/);
  expect(report!.passed + report!.skipped.length).toBe(cases.length);
}

/**
 * One jest test per fixture, named with the capabilities it declares: every case that
 * applies passes, the rest are skipped with their reason. The runtime's own
 * `detectBackend()` is logged for the CI log.
 */
export function expectEveryCase(run: () => RuntimeRun | Promise<RuntimeRun>, fixtures: Record<string, Capabilities>): void {
  let result: RuntimeRun | undefined;
  beforeAll(async () => {
    result = await run();
    // The backend each runtime ran, and what each fixture skipped, for the CI log.
    console.log(
      [
        `${result.detected.runtime}: ${result.detected.backend} — ${result.detected.reason}`,
        ...result.results.map((r) => `${r.fixture}: ${r.passed} passed, ${r.failed.length} failed, ${r.skipped.length} skipped${r.skipped.map((s) => `\n  skipped: ${s.name} (${s.reason})`).join('')}`),
      ].join('\n'),
    );
  });
  test.each(Object.keys(fixtures))('%s: every conformance case that applies passes, the rest are skipped with a reason', (fixture) => {
    const report = result!.results.find((r) => r.fixture === fixture);
    expectReport(report, allCases, fixtures[fixture]);
  });
}

/** Capabilities of the fixtures the runtimes build (see node-like.ts, web-cases.ts, browser-fixtures.ts). */
export const FILES: Capabilities = { resizable: true, stableViews: true };
export const FILES_WINDOWED: Capabilities = { resizable: true, stableViews: false };
export const BYTES: Capabilities = { resizable: false, stableViews: true };
export const BYTES_WINDOWED: Capabilities = { resizable: false, stableViews: false };
