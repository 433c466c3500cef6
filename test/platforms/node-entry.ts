/**
 * One group of harness-neutral cases on backend 'native', for a Node that jest cannot
 * host (arm64 Node under qemu): `conformance` (every conformance case over files) or
 * `bad-calls` (the bad-call table), chosen by the first argument. Bundled by
 * node-bundle.ts; prints one result line with this Node's detectBackend() for the
 * jest side to parse (run-runtime.ts's parseRun).
 */
import { detectBackend, openMap } from '../../src/entries/node.js';
import { runBadCallReport } from '../bad-calls/run-report.js';
import { makeFileFixture } from '../conformance/file-fixture.js';
import { RESULT_PREFIX, runCases } from '../conformance/run-cases.js';

const group = process.argv[2];
const detected = detectBackend();
const results =
  group === 'conformance'
    ? await runCases([makeFileFixture(openMap, "files, backend 'native'", { backend: 'native' }, { stableViews: true })])
    : group === 'bad-calls'
      ? [await runBadCallReport('native', { backend: 'native' })]
      : undefined;
if (!results) throw new Error(`unknown group ${group}: expected conformance or bad-calls`);
console.log(RESULT_PREFIX + JSON.stringify({ detected, results }));
