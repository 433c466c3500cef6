/** The provisioning of nginx and Chromium that `npm test` runs before its first test (jest's globalSetup). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/native-build.js';

const PROVISION = join(ROOT, 'test/tools/provision.mjs');
const TOOLS = join(ROOT, 'test/tools/tools.mjs');

function node(args: string[], env: NodeJS.ProcessEnv) {
  const clean = { ...process.env, NGINX: '', CHROMIUM_PATH: '', ...env };
  return spawnSync(process.execPath, args, { env: clean, encoding: 'utf8', timeout: 120_000 });
}

/** What `toolPath(name)` says in a process with `env`: the path, or the message it throws. */
function toolPathIn(name: string, env: NodeJS.ProcessEnv): string {
  const script = `import(${JSON.stringify(TOOLS)}).then((t) => { try { console.log(t.toolPath(${JSON.stringify(name)})); } catch (e) { console.log('ERROR ' + e.message); } })`;
  return node(['-e', script], env).stdout.trim();
}

describe('test/tools/provision.mjs', () => {
  test('a second run reuses what the first provisioned: nothing is downloaded again', () => {
    // globalSetup already ran for this jest run, with the same cache.
    const r = node([PROVISION], { NGINX: process.env.NGINX ?? '', CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '' });
    expect(r.stderr).not.toContain('downloading');
    const lines = r.stderr.split('\n').filter((line) => line.startsWith('tools: '));
    expect(lines.map((line) => line.split(':')[1].trim())).toEqual(['nginx', 'chromium']);
    for (const line of lines) expect(line).toMatch(/ from (the cache|the system|\$NGINX|\$CHROMIUM_PATH)/);
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
