/** Runs a runtime as a child process and reads the conformance report it prints. */
import { execFile, spawnSync } from 'node:child_process';
import { RESULT_PREFIX, type FixtureReport } from '../conformance/run-cases.js';
import { allCases } from '../conformance/cases/index.js';
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

/** One jest test per fixture: every case passed, and the backend that ran is in the title. */
export function expectEveryCase(run: () => RuntimeRun | Promise<RuntimeRun>, fixtures: string[]): void {
  let result: RuntimeRun | undefined;
  beforeAll(async () => {
    result = await run();
    // The backend each runtime ran, for the CI log.
    console.log(`${result.detected.runtime}: ${result.detected.backend} — ${result.detected.reason}`);
  });
  test.each(fixtures)('%s: every conformance case passes', (fixture) => {
    const report = result!.results.find((r) => r.fixture === fixture);
    expect(report?.failed).toEqual([]);
    expect(report?.passed).toBe(allCases.length);
  });
}
