/**
 * For tests of the native backend: makes sure the addon and dist/ are built
 * (once, under a lock, since jest runs test files in parallel workers), and runs
 * small scripts in child processes that import the compiled package, so that a
 * crash (SIGSEGV, SIGBUS) fails one test instead of killing the runner.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_ENTRY = join(ROOT, 'dist', 'entries', 'node.js');
/** The compiled package, as a URL a child's `import` can use. */
export const DIST_URL = pathToFileURL(DIST_ENTRY).href;
const ADDON = join(ROOT, 'native-backend', 'build', 'Release', 'portable_mmap.node');
/** One lock per checkout and kind of build, outside the checkout. */
const lockPath = (kind: string) => join(tmpdir(), `portable-mmap-${kind}-${ROOT.replace(/[^A-Za-z0-9]+/g, '_')}`);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` while holding this checkout's lock for `kind` (jest runs test files in parallel workers). */
export function withLock(fn: () => void, kind = 'build'): void {
  const LOCK = lockPath(kind);
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      // A lock left by a killed run is older than any build takes.
      if (Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      sleep(100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function buildAddonIfStale(): void {
  const sources = newestMtime(join(ROOT, 'native-backend', 'src'));
  if (!existsSync(ADDON) || statSync(ADDON).mtimeMs < sources) {
    execFileSync('npm', ['run', 'build:addon'], { cwd: ROOT, stdio: 'pipe' });
  }
}

/** Builds the addon if it is missing or older than its sources (for tests that load it in-process). */
export function ensureAddon(): void {
  withLock(buildAddonIfStale);
}

/** Also builds dist/ if it is older than src/ (for tests that run the compiled package in children). */
export function ensureBuilt(): void {
  withLock(() => {
    buildAddonIfStale();
    if (!existsSync(DIST_ENTRY) || statSync(DIST_ENTRY).mtimeMs < newestMtime(join(ROOT, 'src'))) {
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    }
  });
}

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  /** Arguments after the script (process.argv[2] …). */
  args?: string[];
  /** Node flags before the script, e.g. ['--expose-gc']. */
  nodeFlags?: string[];
  /** Run under this command (e.g. ['strace', '-f', …]); node and the script follow it. */
  wrapper?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  timeout?: number;
}

/** Writes the child's script into `dir`: the command and arguments that run it. */
function childCommand(dir: string, source: string, options: ChildOptions): [string, string[]] {
  const script = join(dir, 'child.mjs');
  writeFileSync(script, source.replace(/\bfrom DIST\b/g, `from ${JSON.stringify(DIST_URL)}`));
  const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath];
  return [command, [...prefix, ...(options.nodeFlags ?? []), script, ...(options.args ?? [])]];
}

/**
 * Runs an ES module in a new node process. `source` may use `DIST` as the
 * package's URL: `import { openMap } from DIST;` is rewritten to the real one.
 */
export function runChild(source: string, options: ChildOptions = {}): ChildResult {
  const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-child-'));
  try {
    const [command, args] = childCommand(dir, source, options);
    const result: SpawnSyncReturns<string> = spawnSync(command, args, {
      encoding: 'utf8',
      timeout: options.timeout ?? 60_000,
      env: { ...process.env, ...options.env },
    });
    if (result.error) throw result.error;
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** runChild() without blocking, so that several children run at the same time. */
export async function runChildAsync(source: string, options: ChildOptions = {}): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-child-'));
  try {
    const [command, args] = childCommand(dir, source, options);
    return await new Promise<ChildResult>((resolve, reject) => {
      const child = spawn(command, args, { timeout: options.timeout ?? 60_000, env: { ...process.env, ...options.env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fails with the child's output unless it exited with status 0 and no signal. */
export function expectClean(result: ChildResult): void {
  if (result.status !== 0 || result.signal !== null) {
    throw new Error(`child failed: status ${result.status}, signal ${result.signal}\n${result.stdout}\n${result.stderr}`);
  }
}

/** The `code` of what `fn` throws, or 'no error'. */
export function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
}

/** The last line of a child's stdout, parsed as JSON (children report results that way). */
export function lastJson<T = Record<string, unknown>>(result: ChildResult): T {
  const lines = result.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`child printed no JSON result (status ${result.status}, signal ${result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Open descriptors of this process (Linux). */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Byte equality that stays fast on large arrays (jest's toEqual walks them element by element). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (actual.length === expected.length && Buffer.compare(actual, expected) === 0) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  throw new Error(`bytes differ at ${at} (lengths ${actual.length} and ${expected.length})`);
}
