// Runs one command of the provisioning (apt-get, dpkg-deb, npm, tar) and fails with one line.
import { spawnSync } from 'node:child_process';

/** The last line of what a failed command printed (stderr first), else its exit status. */
function lastLine(stdout, stderr, status) {
  return (stderr || stdout).trim().split('\n').pop() || `exit status ${status}`;
}

/**
 * `command args…`, returning its stdout. A command that is missing says "not found"; one
 * that fails says the command and `reason(stdout, stderr, status)`, by default its last line.
 */
export function run(command, args, { reason = lastLine, ...options } = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10 * 60_000, maxBuffer: 64 << 20, ...options });
  if (r.error) throw new Error(`${command}: ${r.error.code === 'ENOENT' ? 'not found' : r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${reason(r.stdout, r.stderr, r.status).trim()}`);
  return r.stdout;
}
