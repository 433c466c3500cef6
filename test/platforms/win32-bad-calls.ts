/**
 * The bad-call table (test/bad-calls/table.ts) on the native backend, in Windows Node:
 * bundled by win32.test.ts with the library's entry left as an import of the staged
 * package. Prints one result line: each row's title, the code it must fail with, and
 * what it did. (Descriptor counting reads /proc, which Windows has not: not done here.)
 */
import { asyncRows, fileUnchanged, makeContext, rows } from '../bad-calls/table.js';

export const BAD_CALLS_PREFIX = 'PORTABLE_MMAP_BAD_CALLS ';

interface Outcome {
  title: string;
  code: string;
  got: string;
  unchanged: boolean;
}

const describe = (thrown: unknown, returned: unknown) =>
  thrown === undefined ? `returned ${String(returned)}` : String((thrown as { code?: unknown })?.code ?? thrown);

const context = makeContext({ backend: 'native' });
const outcomes: Outcome[] = [];
for (const [title, call, code] of rows) {
  let thrown: unknown;
  let returned: unknown;
  try {
    returned = call(context);
  } catch (error) {
    thrown = error;
  }
  outcomes.push({ title, code, got: describe(thrown, returned), unchanged: fileUnchanged(context) });
}
for (const [title, call, code] of asyncRows) {
  let got: string;
  try {
    got = describe(undefined, await call(context));
  } catch (error) {
    got = describe(error, undefined);
  }
  outcomes.push({ title: `${title} rejects`, code, got, unchanged: fileUnchanged(context) });
}
try {
  context.cleanup();
} catch {
  // Windows keeps a file with an open map until the map is gone; the folder is the test's to remove.
}
console.log(BAD_CALLS_PREFIX + JSON.stringify(outcomes));
