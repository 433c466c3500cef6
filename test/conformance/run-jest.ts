/** Runs every conformance case under jest for one fixture. */
import { allCases } from './cases/index.js';
import { makeT } from './harness.js';
import type { FileFixture } from '../helpers/file-fixture.js';

export function runConformance(fixture: FileFixture): void {
  describe(`conformance: ${fixture.name}`, () => {
    afterEach(() => fixture.cleanup());
    for (const c of allCases) {
      test(c.name, async () => {
        await c.run(fixture, makeT());
      });
    }
  });
}
