/** Bun: the conformance cases through its Node-API (native) and the wasm pager. */
import { join } from 'node:path';
import { ROOT } from './bundle.js';
import { BYTES, expectEveryCase, FILES, FILES_WINDOWED, runRuntime } from './run-runtime.js';

describe('Bun', () => {
  expectEveryCase(
    () => runRuntime(join(ROOT, 'node_modules', '.bin', 'bun'), ['test/runtimes/node-like.ts'], { cwd: ROOT }),
    { "files, native backend ('auto')": FILES, 'files, wasm windowed': FILES_WINDOWED, 'Uint8Array, wasm': BYTES },
  );
});
