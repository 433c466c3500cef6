/**
 * The packed tarball installs on a machine with no compiler and maps natively through
 * its prebuild. `npm pack` with --ignore-scripts: prepack and prepare would rebuild
 * native-backend/build under the tests running beside this one; what they would build
 * (dist/, the prebuilds) is built first, from the same sources. The install runs with a
 * PATH of node and npm only (no cc, gcc, make, python3; npm is given /bin/sh for the
 * install script) and --offline: its one dependency, node-gyp-build, is packed from
 * this checkout's node_modules too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../helpers/native-build.js';
import { ensurePrebuilds, prebuildPath, type PrebuildTarget } from '../helpers/prebuilds.js';

const NPM_CLI = realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
const PREBUILDS: PrebuildTarget[] = ['linux-x64', 'linux-arm64', 'win32-x64'];

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

/** Runs to completion or throws with the output; `log` is both streams (npm writes install scripts' banners to either). */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): { stdout: string; log: string } {
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (status ${r.status}, ${r.error?.message ?? ''}):\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, log: `${r.stdout}${r.stderr}` };
}

function pack(dir: string, into: string): Packed {
  const out = run(process.execPath, [NPM_CLI, 'pack', '--ignore-scripts', '--json', `--pack-destination=${into}`], { cwd: dir }).stdout;
  return (JSON.parse(out) as Packed[])[0];
}

describe('npm pack, then npm install on a machine without a compiler', () => {
  let work: string;
  let packed: Packed;
  let env: NodeJS.ProcessEnv;
  let project: string;
  let installLog: string;

  beforeAll(() => {
    ensureBuilt();
    // win32-x64 when this checkout can build it (scripts/build-win32.mjs); the Linux two always.
    const wanted = PREBUILDS.filter((t) => t !== 'win32-x64' || existsSync(join(ROOT, 'native-backend', 'scripts', 'build-win32.mjs')));
    ensurePrebuilds(wanted);
    work = mkdtempSync(join(tmpdir(), 'portable-mmap-install-'));
    packed = pack(ROOT, work);
    const helper = pack(join(ROOT, 'node_modules', 'node-gyp-build'), work);
    // A PATH that has node and npm and nothing else.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(NPM_CLI, join(bin, 'npm'));
    env = { HOME: process.env.HOME, PATH: bin, npm_config_cache: process.env.npm_config_cache };
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'node-gyp-build': `file:../${helper.filename}`, 'portable-mmap': `file:../${packed.filename}` } }),
    );
    const started = Date.now();
    // npm finds its script shell on PATH unless told; a shell is no build tool.
    installLog = run(join(bin, 'npm'), ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', '--script-shell=/bin/sh'], { cwd: project, env }).log;
    console.log(
      `tarball ${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files; ` +
        packed.files.filter((f) => f.path.includes('/prebuilds/')).map((f) => `${f.path} ${f.size} B`).join(', ') +
        `; installed without a compiler in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds the prebuilds there are, each as built', () => {
    const paths = packed.files.map((f) => f.path);
    for (const target of PREBUILDS) {
      const path = `native-backend/prebuilds/${target}/portable-mmap.glibc.node`;
      if (target === 'win32-x64' && !existsSync(prebuildPath(target))) continue;
      expect(paths).toContain(path);
      expect(packed.files.find((f) => f.path === path)!.size).toBe(readFileSync(prebuildPath(target)).length);
    }
    expect(paths).toEqual(expect.arrayContaining(['native-backend/binding.gyp', 'dist/entries/node.js', 'dist/pager.wasm']));
    expect(paths.some((p) => p.startsWith('native-backend/build/'))).toBe(false);
  });

  test('the PATH of the install has no compiler, make or python', () => {
    const found = spawnSync('/bin/sh', ['-c', 'for c in cc gcc g++ c++ make python3 python; do command -v $c; done; exit 0'], { env, encoding: 'utf8' });
    expect(found.stdout.trim()).toBe('');
  });

  test('the install compiled nothing: no native-backend/build in the installed package', () => {
    expect(existsSync(join(project, 'node_modules', 'portable-mmap', 'native-backend', 'prebuilds', 'linux-x64'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'portable-mmap', 'native-backend', 'build'))).toBe(false);
    // The install script ran (node-gyp-build found the prebuild loadable) and never reached node-gyp.
    expect(installLog).toContain('> cd native-backend && node-gyp-build || exit 0');
    expect(installLog).not.toMatch(/gyp (info|ERR)/);
  });

  test('the installed package maps natively through the linux-x64 prebuild', () => {
    const script = `import { detectBackend, openMap } from 'portable-mmap';
      const map = openMap(${JSON.stringify(join(project, 'package.json'))}, { backend: 'native' });
      console.log(JSON.stringify({ detected: detectBackend(), first: String.fromCharCode(map.at(0)) }));
      map.close();`;
    const out = run(join(env.PATH!, 'node'), ['--input-type=module', '-e', script], { cwd: project, env }).stdout;
    expect(JSON.parse(out)).toEqual({ detected: { backend: 'native', runtime: 'node', reason: 'Node-API addon loaded (prebuild linux-x64)' }, first: '{' });
  });
});
