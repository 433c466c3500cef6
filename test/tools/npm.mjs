// Unpacks an npm package into a folder of ours with `npm pack` (the registry npm is set up
// for, its cache, its proxy settings) and tar: no install scripts run, nothing else changes.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';

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
