// Cross-builds the win32-x64 prebuild on Linux with mingw-w64: every addon source for
// Windows (binding.gyp's list), an import library for node.exe made from node-api-headers'
// .def file with dlltool, linked into prebuilds/win32-x64/portable-mmap.glibc.node: the name
// every prebuild has (prebuild.mjs's prebuildPath); node-gyp-build 4.8 takes libc to be glibc
// wherever /etc/alpine-release is missing, Windows included.
//
//   node native-backend/scripts/build-win32.mjs      (npm run build:win32; npm run prebuilds runs it)
//
// The compiler: $MINGW_GCC, else the one the test tools provisioned (test/tools), else
// x86_64-w64-mingw32-gcc on PATH; dlltool and strip are the ones beside it. The headers:
// node-api-headers from node_modules, else unpacked once into the tool cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NATIVE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = dirname(NATIVE);
const HEADERS_VERSION = '1.9.0';
export const OUTPUT = join(NATIVE, 'prebuilds', 'win32-x64', 'portable-mmap.glibc.node');

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${basename(command)}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${basename(command)} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  if (result.stderr) process.stderr.write(result.stderr); // warnings
  return result.stdout;
}

async function compiler() {
  if (process.env.MINGW_GCC) return process.env.MINGW_GCC;
  try {
    const { toolPath } = await import(join(ROOT, 'test', 'tools', 'tools.mjs'));
    return toolPath('mingw');
  } catch {
    return 'x86_64-w64-mingw32-gcc';
  }
}

/** A binutils program beside gcc: x86_64-w64-mingw32-gcc-win32 → x86_64-w64-mingw32-dlltool. */
function beside(gcc, program) {
  const dir = dirname(gcc);
  const prefix = basename(gcc).replace(/gcc.*$/, '');
  const path = join(dir, `${prefix}${program}`);
  return dir === '.' || !existsSync(path) ? `${prefix}${program}` : path;
}

async function headers() {
  try {
    const require = createRequire(join(ROOT, 'package.json'));
    return dirname(require.resolve('node-api-headers/package.json'));
  } catch {
    const { cacheDir } = await import(join(ROOT, 'test', 'tools', 'tools.mjs'));
    const dir = join(cacheDir(), `node-api-headers-${HEADERS_VERSION}`);
    if (!existsSync(join(dir, 'package', 'def', 'node_api.def'))) {
      const { unpackNpm } = await import(join(ROOT, 'test', 'tools', 'npm.mjs'));
      rmSync(dir, { recursive: true, force: true });
      unpackNpm(`node-api-headers@${HEADERS_VERSION}`, dir);
    }
    return join(dir, 'package');
  }
}

/** binding.gyp's sources for OS=='win' and its NAPI_VERSION. */
function target() {
  const gyp = JSON.parse(readFileSync(join(NATIVE, 'binding.gyp'), 'utf8')).targets[0];
  const windows = gyp.conditions.find(([condition]) => condition === "OS=='win'")[1];
  const napi = gyp.defines.find((define) => define.startsWith('NAPI_VERSION='));
  return { sources: [...gyp.sources, ...windows.sources], napi };
}

export async function buildWin32() {
  const gcc = await compiler();
  const api = await headers();
  const { sources, napi } = target();
  const work = join(NATIVE, 'build-win32');
  mkdirSync(work, { recursive: true });
  mkdirSync(dirname(OUTPUT), { recursive: true });
  const importLib = join(work, 'libnode_api.a');
  run(beside(gcc, 'dlltool'), ['-d', join(api, 'def', 'node_api.def'), '-l', importLib, '-D', 'node.exe']);
  const objects = sources.map((source) => {
    const object = join(work, `${basename(source, '.c')}.o`);
    run(gcc, ['-std=c11', '-O2', '-Wall', '-Wextra', `-D${napi}`, '-I', join(api, 'include'), '-c', join(NATIVE, source), '-o', object]);
    return object;
  });
  // -static-libgcc: no libgcc DLL beside the addon; it imports only node.exe, KERNEL32 and msvcrt.
  run(gcc, ['-shared', '-s', '-static-libgcc', '-o', OUTPUT, ...objects, importLib]);
  rmSync(work, { recursive: true, force: true });
  return OUTPUT;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const output = await buildWin32();
  console.log(`${output.slice(ROOT.length + 1)} (${statSync(output).size} bytes)`);
}
