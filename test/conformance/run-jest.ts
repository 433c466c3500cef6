/** Runs every conformance case under jest for one fixture. */
import { allCases } from './cases/index.js';
import { makeT, skipReason } from './harness.js';
import type { Fixture } from './harness.js';

export function runConformance(fixture: Fixture & { cleanup(): void }): void {
  describe(`conformance: ${fixture.name}`, () => {
    afterEach(() => fixture.cleanup());
    for (const c of allCases) {
      const reason = skipReason(c, fixture);
      if (reason) {
        // A case that does not apply to this fixture (it needs a capability the fixture
        // declares it lacks): jest shows it as skipped, with the reason in its title.
        test.skip(`${c.name} (skipped: ${reason})`, () => {});
        continue;
      }
      test(c.name, async () => {
        await c.run(fixture, makeT());
      });
    }
  });
}
