/** `workerd test` of one bundled entry, for tests that talk to servers on this machine. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFor, ROOT } from './bundle.js';
import { spawnAsync } from './run-runtime.js';
import { workerdConfig } from './workerd-config.js';

const WORKERD = join(ROOT, 'node_modules', '.bin', 'workerd');

/**
 * Writes a workerd bundle and config into a temp dir and runs `workerd test` without
 * blocking this process, whose control server the worker calls.
 */
export async function workerdTest(entry: string, bindings: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-workerd-remote-'));
  try {
    writeFileSync(join(dir, 'main.mjs'), await bundleFor('workerd', entry));
    copyFileSync(join(ROOT, 'dist', 'pager.wasm'), join(dir, 'pager.wasm'));
    writeFileSync(join(dir, 'config.capnp'), workerdConfig({ main: 'main.mjs', bindings, localNetwork: true }));
    return await spawnAsync(WORKERD, ['test', '--verbose', 'config.capnp'], { cwd: dir, timeout: 240_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

