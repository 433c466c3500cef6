/**
 * The guard around a Blob or a user's AsyncPageSource (src/sources/guarded.ts): a call
 * whose caller aborted is reported at once, but keeps its slot until the source's own
 * call settles, so the source never runs more than `concurrency` calls, however often
 * callers give up. Failed before the fix: each abort freed its slot at once.
 */
import { openMapAsync, type AsyncPageSource } from '../../src/entries/node.js';

const PAGE = 4096;

it("never runs more than `concurrency` of a source's calls, when callers abort theirs", async () => {
  let running = 0;
  let most = 0;
  const source: AsyncPageSource = {
    size: 256 * PAGE,
    read(into) {
      running++;
      most = Math.max(most, running);
      // a source that ignores the signal and takes its time
      return new Promise((resolve) => setTimeout(() => {
        running--;
        resolve(into.fill(7).length);
      }, 30));
    },
  };
  const map = await openMapAsync(source, { pageSize: PAGE, maxResident: 64 * PAGE, concurrency: 2, mergeGap: 0 });
  map.advise('random');
  const calls = [];
  for (let i = 0; i < 12; i++) {
    const controller = new AbortController();
    calls.push(map.read(i * 8 * PAGE, 10, { signal: controller.signal }).catch((e: { name?: string }) => e.name));
    setTimeout(() => controller.abort(), 5 + i);
  }
  const outcomes = await Promise.all(calls);
  expect(outcomes.filter((o) => o === 'AbortError').length).toBeGreaterThan(8); // the callers heard at once
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(most).toBeLessThanOrEqual(2);
  await map.close();
});
