/**
 * The request planner's split reads (src/sources/planner.ts): a read longer than
 * maxRequestBytes goes out in pieces; when one piece fails, the others are told to stop
 * (their signal aborts) and are waited for before the read reports, so no piece writes
 * into the read's buffer (for HTTP, the pager's frames) after the read settled.
 * Failed before the fix: the read rejected at once while its other pieces ran on.
 */
import { openMapAsync, type AsyncPageSource } from '../../src/entries/node.js';

const PAGE = 4096;

it('a failed piece of a split read stops the others before the read reports', async () => {
  const log: string[] = [];
  const source: AsyncPageSource = {
    size: 64 * PAGE,
    read(into, position, options) {
      if (position === 0) return Promise.resolve(into.fill(1).length); // the probe-free first page
      if (position === 4 * PAGE) return Promise.reject(Object.assign(new Error('gone'), { code: 'EIO' }));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          log.push(`wrote ${position / PAGE}`);
          into.fill(2);
          resolve(into.length);
        }, 40);
        options?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          log.push(`stopped ${position / PAGE}`);
          reject(options.signal!.reason);
        });
      });
    },
  };
  const map = await openMapAsync(source, { pageSize: PAGE, maxResident: 32 * PAGE, maxRequestBytes: PAGE, concurrency: 16 });
  await map.read(0, 1);
  await expect(map.load(PAGE, 8 * PAGE)).rejects.toMatchObject({ code: 'EIO' });
  log.push('rejected');
  await new Promise((resolve) => setTimeout(resolve, 80));
  // every other piece was stopped before the read reported, and none wrote afterwards
  expect(log.filter((entry) => entry.startsWith('wrote'))).toEqual([]);
  expect(log.at(-1)).toBe('rejected');
  expect(log.filter((entry) => entry.startsWith('stopped')).length).toBeGreaterThan(0);
  await map.close();
});
