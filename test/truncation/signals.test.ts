/**
 * The native backend's SIGBUS handler is process-wide, so it must take only
 * what is its own: a fault inside a range the library mapped. Every other
 * SIGBUS must end as if the library were not loaded. In real child processes
 * (a wrong hand-off kills or hangs a process, which must fail one test, not
 * the runner) this file proves:
 *   - a SIGBUS sent with kill still kills by SIGBUS, with and without the handler;
 *   - a fault outside the library's ranges still kills by SIGBUS (default action);
 *   - a handler installed before the library (fixtures/prior-handler.c) still
 *     gets faults outside the library's ranges and sent signals, and never a
 *     fault inside the library's map, which the library handles itself.
 * Truncations of the library's maps come from another process (truncate(1)).
 * Children run the compiled package (dist/entries/node.js), as users do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pattern } from '../conformance/harness.js';
import { runChild, type ChildResult } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';

const files = tempFiles('truncation-signals');
afterAll(() => files.cleanup());

const FIXTURE = fileURLToPath(new URL('./fixtures/prior-handler.c', import.meta.url));
const NODE_INCLUDE = join(dirname(process.execPath), '..', 'include', 'node');
const FILE_SIZE = 256 * 1024;
const NEW_SIZE = 64 * 1024; // a multiple of every page size (4 KiB to 64 KiB), so the cut is page-aligned
const CONTENT = pattern(FILE_SIZE, 7);
/** The prior handler's exit statuses (prior-handler.c). */
const FAULT_OUTSIDE = 42;
const SENT = 43;

/** What every child starts with; argv: the test addon, the library's file, the file faultOutside() cuts. */
const PRELUDE = `
import { openMap } from DIST;
import { execFileSync } from 'node:child_process';
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
const [addonPath, mapPath, outsidePath] = process.argv.slice(2);
// writeSync: the line is out before a signal can end the process
const report = (value) => writeSync(1, JSON.stringify(value) + '\\n');
// proc(5): SigCgt is the mask of caught signals, bit n - 1 for signal n
const catchesSigbus = () => {
  const mask = BigInt('0x' + /SigCgt:\\s*(\\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  return ((mask >> BigInt(constants.signals.SIGBUS - 1)) & 1n) === 1n;
};
const codeOf = (run) => { try { run(); return 'no error'; } catch (error) { return error.code ?? String(error); } };
const loadPrior = () => createRequire(import.meta.url)(addonPath);
// Another process cuts the file, so this one learns of it only by touching the lost pages.
const openAndCut = () => {
  const map = openMap(mapPath, { backend: 'native' });
  const view = map.view();
  execFileSync('truncate', ['-s', '${NEW_SIZE}', mapPath]);
  return { map, view };
};
// kill() may deliver to another thread; stay alive so a lost signal shows as a line, not a race.
const stayAlive = () => setTimeout(() => report({ survived: true }), 10_000);
`;

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  lines: unknown[];
  stderr: string;
}

/** The child's end and every JSON line it printed; stderr is compared too, so a thrown error shows in the diff. */
function outcome(result: ChildResult): Outcome {
  const lines = result.stdout.split('\n').filter((line) => line.trim() !== '');
  return { status: result.status, signal: result.signal, lines: lines.map((line) => JSON.parse(line)), stderr: result.stderr };
}

let addonPath = '';

/** Runs `body` after PRELUDE in a new node, with a fresh library file and a fresh file for faultOutside(). */
function run(body: string): Outcome {
  const id = Math.random().toString(36).slice(2);
  const mapPath = files.file(`map-${id}.bin`, CONTENT);
  const outsidePath = files.file(`outside-${id}.bin`, new Uint8Array(NEW_SIZE)); // at least one page
  return outcome(runChild(PRELUDE + body, { args: [addonPath, mapPath, outsidePath], timeout: 30_000 }));
}

describe('a SIGBUS sent with kill', () => {
  test('kills a process that never opened a map, by SIGBUS (the control)', () => {
    const result = run(`report({ catches: catchesSigbus() });
process.kill(process.pid, 'SIGBUS');
stayAlive();`);
    expect(result).toEqual({ status: null, signal: 'SIGBUS', lines: [{ catches: false }], stderr: '' });
  });

  test('kills a process whose native map installed the handler, by SIGBUS, as if the library were not loaded', () => {
    const result = run(`const map = openMap(mapPath, { backend: 'native' });
report({ backend: map.backend, catches: catchesSigbus() });
process.kill(process.pid, 'SIGBUS');
stayAlive();`);
    // catches: true shows the handler was in place, so the death is its hand-off to the default action
    expect(result).toEqual({ status: null, signal: 'SIGBUS', lines: [{ backend: 'native', catches: true }], stderr: '' });
  });
});

describe('with a SIGBUS handler of other code (fixtures/prior-handler.c)', () => {
  beforeAll(() => {
    // A missing compiler or header is a broken test machine: fail and say so, never skip.
    const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
    if (gcc.error || gcc.status !== 0) {
      throw new Error(`gcc is needed to build ${FIXTURE} (${gcc.error?.message ?? gcc.stderr}); install it, e.g. apt-get install gcc`);
    }
    if (!existsSync(join(NODE_INCLUDE, 'node_api.h'))) {
      throw new Error(`node_api.h is not in ${NODE_INCLUDE}; install node's headers there (they ship in node's release tarball, include/node)`);
    }
    addonPath = join(files.dir, 'prior_handler.node');
    const build = spawnSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', `-I${NODE_INCLUDE}`, '-o', addonPath, FIXTURE], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`building ${FIXTURE} failed:\n${build.stderr}`);
  }, 60_000);

  test('the fixture alone: a fault in its own mapping reaches its handler (exit 42), no library map open', () => {
    const result = run(`const prior = loadPrior();
prior.install();
report({ catches: catchesSigbus() });
report({ noFault: prior.faultOutside(outsidePath) });`);
    expect(result).toEqual({ status: FAULT_OUTSIDE, signal: null, lines: [{ catches: true }], stderr: '' });
  });

  test('not installed, a fault outside the library ranges kills by SIGBUS although the library handler is in place', () => {
    const result = run(`const prior = loadPrior(); // faultOutside() only; install() is not called
const map = openMap(mapPath, { backend: 'native' });
report({ backend: map.backend, catches: catchesSigbus() });
report({ noFault: prior.faultOutside(outsidePath) });
stayAlive();`);
    // the handler resets SIGBUS to SIG_DFL and returns; the load retries and faults again
    expect(result).toEqual({ status: null, signal: 'SIGBUS', lines: [{ backend: 'native', catches: true }], stderr: '' });
  });

  test('installed before the library, it still gets a fault outside the library ranges, after the library handled its own', () => {
    const result = run(`const prior = loadPrior();
prior.install();
const { map, view } = openAndCut();
// the library's own fault: zeros, the process lives; exit 44 here would mean it was passed on
report({ backend: map.backend, pastEnd: view[${FILE_SIZE - 1}], read: codeOf(() => map.read(0, 10)) });
report({ noFault: prior.faultOutside(outsidePath) });`);
    expect(result).toEqual({
      status: FAULT_OUTSIDE,
      signal: null,
      lines: [{ backend: 'native', pastEnd: 0, read: 'ERR_MMAP_TRUNCATED' }],
      stderr: '',
    });
  });

  test('installed before the library, it still gets a SIGBUS sent with kill (exit 43)', () => {
    const result = run(`loadPrior().install();
const map = openMap(mapPath, { backend: 'native' });
report({ backend: map.backend });
process.kill(process.pid, 'SIGBUS');
stayAlive();`);
    expect(result).toEqual({ status: SENT, signal: null, lines: [{ backend: 'native' }], stderr: '' });
  });

  test('installed before the library, it never sees a fault inside the library map, which the library handles', () => {
    const result = run(`loadPrior().install();
const { map, view } = openAndCut();
const seen = {
  backend: map.backend,
  kept: view[${NEW_SIZE - 1}],
  firstLost: view[${NEW_SIZE}],
  last: view[${FILE_SIZE - 1}],
  read: codeOf(() => map.read(0, 10)),
  readPastEnd: codeOf(() => map.read(${NEW_SIZE}, 10)),
  close: codeOf(() => map.close()),
};
report(seen);`);
    expect(result).toEqual({
      status: 0,
      signal: null,
      lines: [
        {
          backend: 'native',
          kept: CONTENT[NEW_SIZE - 1], // bytes the file still holds are its bytes
          firstLost: 0,
          last: 0,
          read: 'ERR_MMAP_TRUNCATED',
          readPastEnd: 'ERR_MMAP_TRUNCATED',
          close: 'no error',
        },
      ],
      stderr: '',
    });
  });
});
