// Unpacks an npm package into a folder of ours with `npm pack` (the registry npm is set up
// for, its cache, its proxy settings) and tar: no install scripts run, nothing else changes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function run(command, args, options) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10 * 60_000, maxBuffer: 64 << 20, ...options });
  if (r.error) throw new Error(`${command}: ${r.error.code === 'ENOENT' ? 'not found' : r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return r.stdout;
}

/** `spec` (name@version) unpacked into `dir/package`; returns the spec npm resolved and the tarball's bytes. */
export function unpackNpm(spec, dir) {
  mkdirSync(dir, { recursive: true });
  const [packed] = JSON.parse(run('npm', ['pack', spec, '--json', '--silent', '--pack-destination', dir], { cwd: dir }));
  const tarball = join(dir, packed.filename);
  const bytes = statSync(tarball).size;
  run('tar', ['-xzf', tarball, '-C', dir]);
  rmSync(tarball);
  return { spec: `${packed.name}@${packed.version}`, bytes };
}
