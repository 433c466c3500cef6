/** Runs the model property under jest for one fixture, printing the seed on failure. */
import fc from 'fast-check';
import { modelProperty, modelRuns } from './model.js';
import type { Fixture } from '../conformance/harness.js';

export function runModel(fixture: Fixture & { cleanup(): void }): void {
  const runs = modelRuns();
  test(`${fixture.name}: ${runs} random command sequences agree with the Uint8Array model`, () => {
    try {
      fc.assert(modelProperty(fixture), { numRuns: runs, verbose: 1 });
    } finally {
      fixture.cleanup();
    }
  });
}
