// How an unpacked tool runs from the cache. Debian's packages assume they live under /usr:
// their programs find shared libraries, helper programs and data at absolute paths. Each
// kind below is what one of ours needed, tried on a machine where nothing was installed.
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { libraryDirs } from './apt.mjs';

/** A shell script at `path` that runs `target` (relative to the cache folder `dir`) with `env` and `args` first. */
function script(path, dir, target, { env = {}, args = [], comment }) {
  const here = relative(join(path, '..'), dir) || '.';
  // Each value goes before what the caller had; WINEPATH is a Windows list (';').
  const exports = Object.entries(env).map(([name, value]) => {
    const separator = name === 'WINEPATH' ? ';' : ':';
    return `${name}="${value}\${${name}:+${separator}$${name}}"; export ${name}\n`;
  });
  writeFileSync(
    path,
    `#!/bin/sh\n# ${comment}\nhere=$(cd "$(dirname "$(readlink -f "$0")")/${here}" && pwd)\n${exports.join('')}` +
      `exec "$here/${relative(dir, target)}" ${args.map((a) => `"${a}" `).join('')}"$@"\n`,
  );
  chmodSync(path, 0o755);
}

/** LD_LIBRARY_PATH for the libraries unpacked beside a program, relative to `$here`. */
function libraryPath(dir) {
  return libraryDirs(join(dir, 'root'))
    .map((lib) => `$here/${relative(dir, lib)}`)
    .join(':');
}

/**
 * The command tests run for tool `name` unpacked into `dir` (the tree in `dir/root`):
 * - default: the binary, or a wrapper that puts the unpacked libraries on LD_LIBRARY_PATH;
 * - 'none': the binary itself (mingw's gcc finds its own parts relative to itself);
 * - 'sysroot': a cross gcc: wrappers in `dir/bin` for every program of the toolchain, with
 *   the libraries binutils needs, and gcc with `--sysroot` at the unpacked tree, because the
 *   C library's linker scripts name /usr/aarch64-linux-gnu/lib absolutely;
 * - 'wine': Debian's wineserver script names /usr/lib/wine/wineserver64, and its Wine loads
 *   zlib1.dll (libz-mingw-w64) from an absolute system path: the script is rewritten and
 *   WINEPATH (Wine's Windows PATH) gets the folder holding the DLL; a `wineserver`
 *   wrapper sits beside the `wine` one.
 */
export function entryPoint(name, tool, dir) {
  const root = join(dir, 'root');
  const binary = join(root, tool.binary);
  if (tool.wrapper === 'none' || tool.locate) return binary;
  const libraries = libraryPath(dir);
  if (tool.wrapper === 'sysroot') {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const bin = join(root, 'usr/bin');
    for (const program of readdirSync(bin)) {
      const args = /-(gcc|g\+\+|cpp)(-\d+)?$/.test(program) ? [`--sysroot=$here/root`] : [];
      script(join(dir, 'bin', program), dir, join(bin, program), { env: { LD_LIBRARY_PATH: libraries }, args, comment: `Runs the unpacked ${program}.` });
    }
    return join(dir, 'bin', tool.binary.split('/').pop());
  }
  if (tool.wrapper === 'wine') {
    const server = join(root, 'usr/lib/wine/wineserver');
    if (existsSync(server)) script(server, dir, join(root, 'usr/lib/wine/wineserver64'), { args: ['-p0'], comment: 'Runs the wineserver beside it.' });
    // `wineserver -k` ends a prefix's server: beside the wrapper, as /usr/bin/wineserver is beside /usr/bin/wine64.
    script(join(dir, 'wineserver'), dir, join(root, 'usr/lib/wine/wineserver64'), { comment: 'Runs the unpacked wineserver.' });
    const dlls = `Z:$here/${relative(dir, join(root, 'usr/x86_64-w64-mingw32/lib'))}`; // Wine takes '/' in Windows paths
    const wrapper = join(dir, name);
    script(wrapper, dir, binary, { env: { LD_LIBRARY_PATH: libraries, WINEPATH: dlls }, comment: 'Runs the unpacked Wine with its libraries and DLLs.' });
    return wrapper;
  }
  if (libraries === '') return binary;
  const wrapper = join(dir, name);
  script(wrapper, dir, binary, { env: { LD_LIBRARY_PATH: libraries }, comment: `Runs the unpacked ${name} with the libraries unpacked beside it.` });
  return wrapper;
}
