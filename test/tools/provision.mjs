// Provisions the programs the tests need (tools.mjs lists them) before the first test runs:
// jest's globalSetup, or `node test/tools/provision.mjs` by hand. For each tool, in order:
// the override variable, a system installation, this cache, else Debian's package unpacked
// into this cache. One line per tool says what, from where and how long. A tool that cannot
// be had is recorded with the fix, and only the tests that need it fail, with that message.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unpackDebian, libraryDirs } from './apt.mjs';
import { TOOLS, cacheDir, fixCommand, manifestPath, systemBinary } from './tools.mjs';

/** The first line the tool prints of its version, or undefined when it does not run. */
function versionOf(path, name) {
  const r = spawnSync(path, [TOOLS[name].versionArg], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim().split('\n').pop()?.trim();
}

/**
 * The command tests run: nginx as unpacked; Chromium through a wrapper script that puts the
 * unpacked libraries on LD_LIBRARY_PATH, relative to itself so the cache can move.
 */
function entryPoint(name, dir) {
  const binary = join(dir, 'root', TOOLS[name].binary);
  const libraries = libraryDirs(join(dir, 'root'));
  if (libraries.length === 0) return binary;
  const wrapper = join(dir, name);
  const path = libraries.map((lib) => `$here/${relative(dir, lib)}`).join(':');
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# Runs the unpacked ${name} with the libraries unpacked beside it.\nhere=$(dirname "$(readlink -f "$0")")\n` +
      `LD_LIBRARY_PATH="${path}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/${relative(dir, binary)}" "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** Downloads and unpacks into a private folder, then renames it into place (a concurrent run keeps the first). */
function fromDebian(name, finalDir) {
  const staging = `${finalDir}.${process.pid}.partial`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const { packages, bytes } = unpackDebian(TOOLS[name].aptPackage, staging);
    const entry = entryPoint(name, staging);
    const version = versionOf(entry, name);
    if (!version) throw new Error(`the unpacked ${name} does not run (${entry} ${TOOLS[name].versionArg} failed)`);
    writeFileSync(join(staging, 'provisioned.json'), JSON.stringify({ version, packages }, null, 2));
    try {
      renameSync(staging, finalDir);
    } catch (error) {
      if (!existsSync(finalDir)) throw error;
    }
    return { path: join(finalDir, relative(staging, entry)), version, from: `Debian's packages (${TOOLS[name].aptPackage} and ${packages.length - 1} more, ${(bytes / 1e6).toFixed(0)} MB)` };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** A tool that an earlier run provisioned and that still runs. */
function fromCache(name, dir) {
  const path = existsSync(join(dir, name)) ? join(dir, name) : join(dir, 'root', TOOLS[name].binary);
  if (!existsSync(join(dir, 'provisioned.json')) || !existsSync(path)) return undefined;
  const version = versionOf(path, name);
  if (!version) return undefined;
  return { path, version, from: `the cache (${relative(process.cwd(), dir) || dir})` };
}

function provisionOne(name, log) {
  const override = process.env[TOOLS[name].env];
  if (override) return { path: override, version: versionOf(override, name) ?? 'version unknown', from: `$${TOOLS[name].env}` };
  const system = systemBinary(name);
  if (system) return { path: system, version: versionOf(system, name) ?? 'version unknown', from: 'the system' };
  const dir = join(cacheDir(), name);
  const cached = fromCache(name, dir);
  if (cached) return cached;
  rmSync(dir, { recursive: true, force: true });
  log(`downloading from Debian's packages … `);
  return fromDebian(name, dir);
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath(), 'utf8'));
  } catch {
    return {};
  }
}

/** Provisions `names` (every tool by default), records them in the manifest tests read, and returns it. */
export function provisionTools(names = Object.keys(TOOLS), write = (text) => process.stderr.write(text)) {
  mkdirSync(cacheDir(), { recursive: true });
  const manifest = readManifest();
  for (const name of names) {
    const started = Date.now();
    write(`tools: ${name}: `);
    try {
      const found = provisionOne(name, write);
      manifest[name] = found;
      write(`${found.version} from ${found.from}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      const missing = `${name} is missing: it is not installed and could not be provisioned (${error.message}). Fix: ${fixCommand(name)}`;
      manifest[name] = { missing };
      write(`MISSING after ${((Date.now() - started) / 1000).toFixed(1)} s — ${missing}\n`);
    }
  }
  writeFileSync(manifestPath(), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** jest's globalSetup: runs once before any test file. */
export default function globalSetup() {
  provisionTools();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const manifest = provisionTools();
  process.exitCode = Object.values(manifest).some((entry) => entry.missing) ? 1 : 0;
}
