/**
 * One group of harness-neutral cases on backend 'native', for a Node that jest cannot
 * host (arm64 Node under qemu, Windows Node under Wine): `conformance` (every
 * conformance case over files), `bad-calls` (the bad-call table) or `model <runs>`
 * (that many random command sequences against the Uint8Array model), chosen by the
 * first argument. Bundled by
 * node-bundle.ts; prints one result line with this Node's detectBackend() for the
 * jest side to parse (run-runtime.ts's parseRun).
 */
import fc from 'fast-check';
import { detectBackend, openMap } from '../../src/entries/node.js';
import { runBadCallReport } from '../bad-calls/run-report.js';
import { makeFileFixture } from '../conformance/file-fixture.js';
import { RESULT_PREFIX, runCases, type FixtureReport } from '../conformance/run-cases.js';
import { fileFixture } from '../helpers/node-file-fixture.js';
import { modelProperty } from '../model/model.js';

/** The model property as one report: every sequence passed, or the first counterexample fast-check shrank to. */
function runModel(runs: number): FixtureReport {
  const fixture = fileFixture('model (native)', { backend: 'native' });
  try {
    const details = fc.check(modelProperty(fixture), { numRuns: runs });
    const failed = details.failed ? [{ name: `seed ${details.seed}`, error: String(details.errorInstance ?? details.counterexample) }] : [];
    return { fixture: fixture.name, passed: details.failed ? 0 : details.numRuns, failed, skipped: [] };
  } finally {
    fixture.cleanup();
  }
}

const group = process.argv[2];
const detected = detectBackend();
const results =
  group === 'conformance'
    ? await runCases([makeFileFixture(openMap, "files, backend 'native'", { backend: 'native' }, { stableViews: true })])
    : group === 'bad-calls'
      ? [await runBadCallReport('native', { backend: 'native' })]
      : group === 'model'
        ? [runModel(Number(process.argv[3]))]
        : undefined;
if (!results) throw new Error(`unknown group ${group}: expected conformance, bad-calls or model`);
console.log(RESULT_PREFIX + JSON.stringify({ detected, results }));
