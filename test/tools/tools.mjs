// The programs the tests need that are not npm packages, where each is found, and the one
// place tests ask for them. `provision.mjs` fills the cache before the first test runs;
// tests only read what it recorded, so a missing tool fails the tests that need it with
// one message that names the fix.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Each tool: the variable that overrides it, where a system installation lives, the Debian
 * package to unpack when there is none, the binary inside the unpacked tree, and the
 * argument that prints its version.
 */
export const TOOLS = {
  nginx: {
    env: 'NGINX',
    system: ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'],
    commands: ['nginx'],
    aptPackage: 'nginx',
    binary: 'usr/sbin/nginx',
    versionArg: '-v',
  },
  chromium: {
    env: 'CHROMIUM_PATH',
    system: ['/usr/bin/chromium'],
    commands: ['chromium', 'google-chrome-stable', 'google-chrome'],
    aptPackage: 'chromium',
    binary: 'usr/lib/chromium/chromium',
    versionArg: '--version',
  },
};

/** Where provisioned tools live: `$PORTABLE_MMAP_TOOLS_CACHE`, else under the checkout's node_modules. */
export function cacheDir() {
  return process.env.PORTABLE_MMAP_TOOLS_CACHE ?? join(ROOT, 'node_modules', '.cache', 'portable-mmap-tools');
}

export function manifestPath() {
  return join(cacheDir(), 'manifest.json');
}

/**
 * A system installation of `name`: a known path, else the first match on PATH. None with
 * PORTABLE_MMAP_TOOLS_IGNORE_SYSTEM=1, to test against the unpacked package instead.
 */
export function systemBinary(name) {
  if (process.env.PORTABLE_MMAP_TOOLS_IGNORE_SYSTEM === '1') return undefined;
  const tool = TOOLS[name];
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [...tool.system, ...tool.commands.flatMap((command) => onPath.map((dir) => join(dir, command)))];
  return candidates.find((path) => existsSync(path));
}

/** The command that installs `name` by hand, for messages. */
export function fixCommand(name) {
  const tool = TOOLS[name];
  return `sudo apt-get install ${tool.aptPackage} (or set ${tool.env}=/path/to/${name})`;
}

/**
 * The path of `name` for a test: the override variable, else what provisioning recorded.
 * Throws one message naming what is missing and the command that fixes it.
 */
export function toolPath(name) {
  const tool = TOOLS[name];
  const override = process.env[tool.env];
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new Error(`${tool.env}=${override}: no such file. Fix: ${fixCommand(name)}`);
    return override;
  }
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(), 'utf8'));
  } catch {
    throw new Error(`${name} was not provisioned (no ${manifestPath()}). Fix: npm test provisions it, or run node test/tools/provision.mjs`);
  }
  const entry = manifest[name];
  if (entry?.path && existsSync(entry.path)) return entry.path;
  throw new Error(entry?.missing ?? `${name} is missing from ${manifestPath()}. Fix: node test/tools/provision.mjs`);
}
