/** Runs every conformance case under jest for one fixture. */
import { allCases } from './cases/index.js';
import { makeT } from './harness.js';
import type { Fixture } from './harness.js';

export function runConformance(fixture: Fixture & { cleanup(): void }): void {
  describe(`conformance: ${fixture.name}`, () => {
    afterEach(() => fixture.cleanup());
    for (const c of allCases) {
      test(c.name, async () => {
        await c.run(fixture, makeT());
      });
    }
  });
}
