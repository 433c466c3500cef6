// Unpacks a Debian package and the dependencies this machine lacks into a folder of ours:
// `apt-get download` + `dpkg-deb -x`, so no maintainer script runs, no service starts and
// nothing outside the folder changes. The program then runs from that folder, with the
// unpacked shared libraries on LD_LIBRARY_PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';

const LISTS = '/var/lib/apt/lists';

/** apt-get's and dpkg-deb's own error line, not the last line of a long log. */
function aptReason(stdout, stderr, status) {
  return `${stderr}\n${stdout}`.split('\n').find((line) => /^(E:|Err:|dpkg-deb)/.test(line)) ?? `exit status ${status}`;
}

const apt = (command, args, options = {}) => run(command, args, { reason: aptReason, ...options });

const isRoot = () => process.getuid?.() === 0;

function listsEmpty() {
  return !existsSync(LISTS) || !readdirSync(LISTS).some((name) => name.includes('_Packages'));
}

function update() {
  apt('apt-get', ['update', '-qq']);
}

/** The packages `apt-get install` would add for `packages`: themselves and the dependencies that are not installed. */
function missingPackages(packages) {
  const plan = apt('apt-get', ['-s', '-qq', 'install', '--no-install-recommends', ...packages]);
  return plan
    .split('\n')
    .filter((line) => line.startsWith('Inst '))
    .map((line) => line.split(' ')[1]);
}

function download(packages, dir) {
  // As root apt drops to the `_apt` user, which cannot write into our folder: stay root.
  const sandbox = isRoot() ? ['-o', 'APT::Sandbox::User=root'] : [];
  apt('apt-get', ['download', '-qq', ...sandbox, ...packages], { cwd: dir });
}

/** Every folder under `root` that holds a shared library. */
export function libraryDirs(root) {
  const dirs = [];
  const walk = (dir) => {
    let holdsLibrary = false;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(path);
      else if (/\.so(\.|$)/.test(name)) holdsLibrary = true;
    }
    if (holdsLibrary) dirs.push(dir);
  };
  for (const top of ['lib', 'usr/lib']) if (existsSync(join(root, top))) walk(join(root, top));
  return dirs;
}

/**
 * Downloads `pkg` (a name or a list) and what it lacks here into `dir/debs`, unpacks them
 * into `dir/root`.
 * `apt-get update` runs first only when the package lists are empty, and once more when a
 * download fails (stale lists name versions the archive no longer has); both only as root.
 * The .deb files are removed once unpacked. Returns the package names and the bytes downloaded.
 */
export function unpackDebian(pkg, dir) {
  const wanted = [pkg].flat();
  for (const command of ['apt-get', 'dpkg-deb']) {
    const found = spawnSync(command, ['--version'], { encoding: 'utf8' });
    if (found.error) throw new Error(`${command} is not available (not a Debian-like system)`);
  }
  if (listsEmpty()) {
    if (!isRoot()) throw new Error(`the package lists are empty and only root can run apt-get update`);
    update();
  }
  const debs = join(dir, 'debs');
  mkdirSync(debs, { recursive: true });
  const packages = missingPackages(wanted);
  if (packages.length === 0) throw new Error(`apt-get reports ${wanted.join(', ')} as installed, but not where the package puts it`);
  try {
    download(packages, debs);
  } catch (error) {
    if (!isRoot()) throw error;
    update();
    download(missingPackages(wanted), debs);
  }
  const root = join(dir, 'root');
  let bytes = 0;
  for (const name of readdirSync(debs).filter((n) => n.endsWith('.deb'))) {
    bytes += statSync(join(debs, name)).size;
    apt('dpkg-deb', ['-x', join(debs, name), root]);
  }
  rmSync(debs, { recursive: true, force: true });
  return { packages, bytes };
}
