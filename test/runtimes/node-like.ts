/**
 * The conformance cases in Deno or Bun, unbundled: `portable-mmap` resolves through
 * the package's own exports (the `deno` or `bun` condition), the cases run from
 * source. Prints one result line for test/runtimes/*.test.ts to parse.
 */
import { detectBackend, openMap } from 'portable-mmap';
import { bytesFixture } from '../conformance/bytes-fixture.js';
import { makeFileFixture } from '../conformance/file-fixture.js';
import { RESULT_PREFIX, runCases } from '../conformance/run-cases.js';

const detected = detectBackend();
const results = await runCases([
  makeFileFixture(openMap, `files, ${detected.backend} backend ('auto')`, {}, { stableViews: true }),
  makeFileFixture(openMap, 'files, wasm windowed', { backend: 'wasm', pageSize: 4096, maxResident: 4 * 4096 }, { stableViews: false }),
  bytesFixture('Uint8Array, wasm', openMap, {}, { stableViews: true }),
]);
console.log(RESULT_PREFIX + JSON.stringify({ detected, results }));
