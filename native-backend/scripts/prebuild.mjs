// `npm run prebuilds`: the addons the npm package ships, in native-backend/prebuilds/<platform>-<arch>/
// under the name node-gyp-build 4.8 picks (portable-mmap.glibc.node). Builds every target, or only
// those named: `node native-backend/scripts/prebuild.mjs linux-arm64`. (Not `npm run prebuild`:
// npm runs a script of that name before every `npm run build`.)
//   linux-x64    prebuildify with the machine's gcc
//   linux-arm64  prebuildify with a cross gcc (gcc-aarch64-linux-gnu, from test/tools provisioning)
//   win32-x64    scripts/build-win32.mjs (mingw-w64; node-gyp on Linux cannot target Windows)
// Each build happens in a temporary copy of binding.gyp and src/, so native-backend/build (the
// built-from-source addon that tests and node-gyp-build load first) is never touched, and no
// cross-compiled stray output can shadow a prebuild.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const NATIVE = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(NATIVE, '..');
const WIN32_SCRIPT = join(NATIVE, 'scripts', 'build-win32.mjs');
const require = createRequire(import.meta.url);

/** The file each target produces. */
export function prebuildPath(target) {
  return join(NATIVE, 'prebuilds', target, 'portable-mmap.glibc.node');
}

/** The cross gcc from test/tools provisioning (`npm test` provisions it; AARCH64_GCC overrides it). */
async function aarch64Gcc() {
  const { toolPath } = await import(pathToFileURL(join(ROOT, 'test', 'tools', 'tools.mjs')).href);
  return toolPath('aarch64-gcc');
}

/**
 * Link flags of the Linux prebuilds. `-s` strips them (prebuildify's --strip would need a
 * strip for each architecture). librt.so.1 and libpthread.so.0 are named as needed libraries
 * even though glibc >= 2.34 moved their symbols into libc: on an older glibc, the
 * shm_open/shm_unlink/pthread_once versions src/glibc_compat.h pins live there.
 */
const LINUX_LDFLAGS = '-s -Wl,--no-as-needed -l:librt.so.1 -l:libpthread.so.0';

async function linuxEnv(arch) {
  // The local Node's headers: prebuildify passes --target=<newest Node> to node-gyp, which
  // would otherwise download that version's headers. Node-API headers fit every version.
  const env = { npm_config_nodedir: dirname(dirname(process.execPath)), LDFLAGS: LINUX_LDFLAGS };
  if (arch === 'arm64') {
    const gcc = await aarch64Gcc();
    Object.assign(env, { CC: gcc, CXX: gcc, LINK: gcc });
  }
  return env;
}

function runPrebuildify(arch, env) {
  const staging = mkdtempSync(join(tmpdir(), `portable-mmap-prebuild-${arch}-`));
  try {
    cpSync(join(NATIVE, 'binding.gyp'), join(staging, 'binding.gyp'));
    cpSync(join(NATIVE, 'src'), join(staging, 'src'), { recursive: true });
    const bin = join(dirname(require.resolve('prebuildify/package.json')), 'bin.js');
    // node-gyp by path: prebuildify looks for it in the staging folder's node_modules/.bin.
    const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
    const args = [bin, `--node-gyp=${nodeGyp}`, '--napi', '--name=portable-mmap', '--tag-libc', `--arch=${arch}`, `--out=${NATIVE}`, `--cache=${join(staging, 'cache')}`, staging];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`prebuildify --arch=${arch} failed (status ${r.status}):\n${`${r.stdout}${r.stderr}`.slice(-4000)}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const TARGETS = {
  'linux-x64': async () => runPrebuildify('x64', await linuxEnv('x64')),
  'linux-arm64': async () => runPrebuildify('arm64', await linuxEnv('arm64')),
  // The hook for the Windows addon: its script writes prebuildPath('win32-x64').
  'win32-x64': async () => {
    const r = spawnSync(process.execPath, [WIN32_SCRIPT], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${WIN32_SCRIPT} failed (status ${r.status})`);
  },
};

/** Whether `target` can be built from this checkout (win32-x64 needs its build script). */
export function buildable(target) {
  return target !== 'win32-x64' || existsSync(WIN32_SCRIPT);
}

/**
 * Builds `targets`, one line each on `log` (stderr by default: prepack runs this, and
 * `npm pack --json` writes its answer on stdout); returns each one's path, size and seconds.
 */
export async function prebuild(targets = Object.keys(TARGETS), log = (line) => console.error(line)) {
  const built = [];
  for (const target of targets) {
    if (!TARGETS[target]) throw new Error(`unknown target ${target} (known: ${Object.keys(TARGETS).join(', ')})`);
    if (!buildable(target)) throw new Error(`${target}: ${WIN32_SCRIPT} does not exist`);
    const started = Date.now();
    const path = prebuildPath(target);
    // An older file must not pass for this build's output.
    rmSync(path, { force: true });
    await TARGETS[target]();
    if (!existsSync(path)) throw new Error(`${target}: the build wrote no ${path}`);
    const entry = { target, path, bytes: statSync(path).size, seconds: (Date.now() - started) / 1000 };
    log(`prebuild: ${target}: ${entry.bytes} bytes in ${entry.seconds.toFixed(1)} s`);
    built.push(entry);
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const named = process.argv.slice(2);
  // With no arguments: every target this checkout can build; a missing Windows script is said, not fatal.
  const targets = named.length > 0 ? named : Object.keys(TARGETS).filter(buildable);
  if (named.length === 0 && !buildable('win32-x64')) console.error(`prebuild: win32-x64: skipped, ${WIN32_SCRIPT} does not exist`);
  prebuild(targets).catch((error) => {
    console.error(`prebuild: ${error.message}`);
    process.exit(1);
  });
}
