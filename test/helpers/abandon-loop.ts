/**
 * The loop of issue 16 row 11, in a child process (it runs the process out of something):
 * open a map, abandon a stream (or a view) of it, close it, without yielding, until
 * openMap() throws; then let the collector and a few event-loop turns take what was
 * abandoned, and open the file once more.
 */
import { expectClean, lastJson, runChild } from './native-build.js';

export interface AbandonLoopReport {
  /** Maps opened before openMap() threw. */
  opened: number;
  error?: { code?: string; syscall?: string; name: string };
  /** Lines /proc/self/maps gained by the loop, and still had after the turns (null without /proc). */
  grew: number | null;
  after: number | null;
  /** The first 4 bytes, read through a map opened after the turns. */
  bytes: number[];
}

const CHILD = `
import { openMap } from DIST;
import { existsSync, readFileSync } from 'node:fs';
const [path, backend, kind] = process.argv.slice(2);
const mappings = () => (existsSync('/proc/self/maps') ? readFileSync('/proc/self/maps', 'utf8').split('\\n').length : null);
const before = mappings();
const since = (now) => (now === null ? null : now - before);
let opened = 0;
let error;
try {
  for (; opened < 2_000_000; opened++) {
    const map = openMap(path, { backend });
    if (kind === 'stream') map.stream();
    else map.view();
    map.close();
  }
} catch (e) {
  error = { code: e.code, syscall: e.syscall, name: e.name };
}
const grew = since(mappings());
for (let i = 0; i < 5; i++) {
  globalThis.gc();
  await new Promise((resolve) => setImmediate(resolve));
}
const again = openMap(path, { backend });
const bytes = Array.from(again.read(0, 4));
again.close();
console.log(JSON.stringify({ opened, error, grew, after: since(mappings()), bytes }));
`;

/** Runs the loop over `path` on `backend`, abandoning a `kind` of each map; the child must exit cleanly. */
export function runAbandonLoop(path: string, backend: 'native' | 'wasm', kind: 'stream' | 'view'): AbandonLoopReport {
  const result = runChild(CHILD, { args: [path, backend, kind], nodeFlags: ['--expose-gc'], timeout: 120_000 });
  expectClean(result);
  return lastJson<AbandonLoopReport>(result);
}
