/**
 * One ordering rule for an async 'write' map's write-back (issue 16 rows 2 and 3): a
 * flush() or a resize() waits for every write-back queued before it, and a write-back
 * never lands past the size the map set after it was queued. The source here is a
 * user's AsyncPageSource whose writes take a while and grow it as a file does.
 * Both tests failed before the fix: flush() resolved (and called sync()) while an
 * evicted page's write was still in flight, and a shrinking resize() let one land
 * after its truncate(), growing the source back with old bytes.
 */
import fc from 'fast-check';
import { openMapAsync, type AsyncPageSource } from '../../src/entries/node.js';

const PAGE = 4096;

interface SlowSource extends AsyncPageSource {
  bytes: Uint8Array;
  log: string[];
  writesInFlight: number;
}

/** Writes land after `writeMs` and grow the source when they reach past its end; every call is logged. */
function slowSource(size: number, writeMs: number): SlowSource {
  const source: SlowSource = {
    bytes: new Uint8Array(size),
    log: [],
    writesInFlight: 0,
    get size() {
      return source.bytes.length;
    },
    async read(into, position) {
      const part = source.bytes.subarray(position, position + into.length);
      into.set(part);
      return part.length;
    },
    async write(from, position) {
      source.writesInFlight++;
      await new Promise((resolve) => setTimeout(resolve, writeMs));
      if (position + from.length > source.bytes.length) {
        const grown = new Uint8Array(position + from.length);
        grown.set(source.bytes);
        source.bytes = grown;
      }
      source.bytes.set(from, position);
      source.writesInFlight--;
      source.log.push(`write ${position / PAGE}+${from.length / PAGE}`);
      return from.length;
    },
    async truncate(size) {
      const next = new Uint8Array(size);
      next.set(source.bytes.subarray(0, size));
      source.bytes = next;
      source.log.push(`truncate ${size / PAGE}`);
    },
    async sync() {
      source.log.push(`sync with ${source.writesInFlight} writes in flight`);
    },
  };
  return source;
}

describe("an async 'write' map's write-backs", () => {
  it('are all written before flush() resolves and calls sync(), evicted pages included', async () => {
    const source = slowSource(64 * PAGE, 30);
    const map = await openMapAsync(source, { access: 'write', pageSize: PAGE, maxResident: 4 * PAGE });
    // each fill of a new page evicts a dirty one: its write-back is queued, not awaited
    for (let page = 0; page < 12; page++) await map.fill(page + 1, page * PAGE, PAGE);
    await map.read(32 * PAGE, 8 * PAGE); // clean pages push the last dirty ones out: nothing dirty stays resident
    await map.flush();
    expect(source.log.filter((entry) => entry.startsWith('sync'))).toEqual(['sync with 0 writes in flight']);
    for (let page = 0; page < 12; page++) expect([page, source.bytes[page * PAGE], source.bytes[page * PAGE + PAGE - 1]]).toEqual([page, page + 1, page + 1]);
    await map.close();
  });

  it('land before a shrinking resize() truncates, so a later grow reads zeros where the cut pages were', async () => {
    const source = slowSource(32 * PAGE, 30);
    const map = await openMapAsync(source, { access: 'write', pageSize: PAGE, maxResident: 4 * PAGE });
    for (let page = 16; page < 28; page++) await map.fill(0xee, page * PAGE, PAGE); // evicted on the way, written back later
    await map.read(0, 8 * PAGE); // and the last dirty ones too: nothing dirty stays resident
    await map.resize(8 * PAGE);
    expect(source.bytes.length).toBe(8 * PAGE);
    const truncated = source.log.indexOf(`truncate 8`);
    expect(source.log.slice(truncated + 1).filter((entry) => entry.startsWith('write'))).toEqual([]);
    await map.resize(32 * PAGE);
    const tail = await map.read(8 * PAGE);
    expect(tail.every((byte) => byte === 0)).toBe(true);
    await map.flush();
    expect(source.bytes.length).toBe(32 * PAGE);
    expect(source.bytes.subarray(8 * PAGE).every((byte) => byte === 0)).toBe(true);
    await map.close();
  });
});

describe('a model of async writes, evictions and resizes', () => {
  type Op = { kind: 'fill'; page: number; count: number; value: number } | { kind: 'read'; page: number; count: number }
    | { kind: 'resize'; pages: number } | { kind: 'flush' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('fill' as const), page: fc.nat(40), count: fc.integer({ min: 1, max: 3 }), value: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), page: fc.nat(40), count: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('resize' as const), pages: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
  );

  it('the map and, after flush(), the source hold what a plain array would', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
        const source = slowSource(24 * PAGE, 2);
        let model = new Uint8Array(24 * PAGE);
        const map = await openMapAsync(source, { access: 'write', pageSize: PAGE, maxResident: 4 * PAGE });
        for (const op of ops) {
          const pages = model.length / PAGE;
          if (op.kind === 'fill' && op.page < pages) {
            const count = Math.min(op.count, pages - op.page);
            await map.fill(op.value, op.page * PAGE, count * PAGE);
            model.fill(op.value, op.page * PAGE, (op.page + count) * PAGE);
          } else if (op.kind === 'read' && op.page < pages) {
            const count = Math.min(op.count, pages - op.page);
            const got = await map.read(op.page * PAGE, count * PAGE);
            expect(Buffer.compare(got, model.subarray(op.page * PAGE, (op.page + count) * PAGE))).toBe(0);
          } else if (op.kind === 'resize') {
            await map.resize(op.pages * PAGE);
            const next = new Uint8Array(op.pages * PAGE);
            next.set(model.subarray(0, next.length));
            model = next;
          } else if (op.kind === 'flush') {
            await map.flush();
            expect(Buffer.compare(source.bytes, model)).toBe(0);
          }
        }
        await map.flush();
        expect(Buffer.compare(source.bytes, model)).toBe(0);
        expect(Buffer.compare(await map.read(0), model)).toBe(0);
        await map.close();
      }),
      { numRuns: 40, seed: 1604 },
    );
  }, 60_000);
});
