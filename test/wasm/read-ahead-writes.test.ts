/**
 * An async 'write' map whose read-ahead runs while it writes: the read-ahead a write's
 * locate() triggers may evict pages and write dirty runs back, so it runs before the
 * pages the write is handed are marked. It ran after: a write-back could copy the run
 * holding the page just handed out (clearing DIRTY before the bytes landed), and the
 * write was lost once that page was evicted: the 12- and 16-frame cases failed before.
 */
import { openMapAsync, type AsyncPageSource } from '../../src/entries/node.js';
import { seededObject } from '../helpers/random.js';

const PAGE = 4096;

/** A user's writable source over `initial` whose reads take a millisecond. */
function memorySource(initial: Uint8Array): AsyncPageSource & { bytes: Uint8Array } {
  const source = {
    bytes: initial.slice(),
    get size() {
      return source.bytes.length;
    },
    async read(into: Uint8Array, position: number) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const count = Math.max(0, Math.min(into.length, source.bytes.length - position));
      into.set(source.bytes.subarray(position, position + count));
      return count;
    },
    async write(from: Uint8Array, position: number) {
      source.bytes.set(from, position);
      return from.length;
    },
  };
  return source;
}

describe("an async 'write' map's read-ahead during writes", () => {
  it.each([8, 12, 16])('loses no write when every other page is half-written in order (%i frames)', async (frames) => {
    const pages = 40;
    const initial = seededObject(7, pages * PAGE);
    const source = memorySource(initial);
    const map = await openMapAsync(source, { access: 'write', pageSize: PAGE, maxResident: frames * PAGE });
    const model = initial.slice();
    for (let page = 0; page < pages; page += 2) {
      await map.fill(page + 1, page * PAGE + 100, 5000); // into the next page too
      model.fill(page + 1, page * PAGE + 100, page * PAGE + 5100);
    }
    await map.flush();
    expect(Buffer.compare(source.bytes, model)).toBe(0);
    await map.close();
  });
});
