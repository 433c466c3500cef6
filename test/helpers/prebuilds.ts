/**
 * For tests of the prebuilds: builds the ones they need (`npm run prebuilds` for those
 * targets) when missing or older than the addon's sources, binding.gyp or the build
 * script, so every run tests the prebuilds of the sources it has. Under a lock of its
 * own: jest runs test files in parallel workers. The builds happen outside
 * native-backend/build, so tests loading the built-from-source addon meanwhile are safe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, withLock } from './native-build.js';

export type PrebuildTarget = 'linux-x64' | 'linux-arm64' | 'win32-x64';

const NATIVE = join(ROOT, 'native-backend');
const SCRIPT = join(NATIVE, 'scripts', 'prebuild.mjs');

export function prebuildPath(target: PrebuildTarget): string {
  return join(NATIVE, 'prebuilds', target, 'portable-mmap.glibc.node');
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function stale(target: PrebuildTarget, inputs: number): boolean {
  const path = prebuildPath(target);
  return !existsSync(path) || statSync(path).mtimeMs < inputs;
}

/** Builds the `targets` that are stale; returns those it built. Throws with the script's output. */
export function ensurePrebuilds(targets: PrebuildTarget[]): PrebuildTarget[] {
  let built: PrebuildTarget[] = [];
  withLock(() => {
    const inputs = Math.max(newestMtime(join(NATIVE, 'src')), newestMtime(join(NATIVE, 'binding.gyp')), newestMtime(join(NATIVE, 'scripts')));
    built = targets.filter((target) => stale(target, inputs));
    if (built.length === 0) return;
    try {
      execFileSync(process.execPath, [SCRIPT, ...built], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`npm run prebuilds ${built.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }, 'prebuild');
  return built;
}
