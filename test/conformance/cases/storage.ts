/** flush, flushAsync, advise, residency, stats. */
import { pattern, type Case } from '../harness.js';

export const storageCases: Case[] = [
  {
    name: 'flush(offset, length) writes that range; flushAsync() does the same off the event loop',
    async run(f, t) {
      const bytes = pattern(200_000);
      const storage = f.storage(bytes);
      using map = storage.open({ access: 'write' });
      map.fill(1, 0, 10);
      map.fill(2, 150_000, 10);
      map.flush(150_000, 10);
      t.equal(storage.contents().subarray(150_000, 150_010), new Uint8Array(10).fill(2), 'flushed range');
      await map.flushAsync();
      const expected = bytes.slice();
      expected.fill(1, 0, 10);
      expected.fill(2, 150_000, 150_010);
      t.equal(storage.contents(), expected, 'after flushAsync');
      map.fill(3, 199_990);
      await map.flushAsync(199_000);
      t.equal(storage.contents().subarray(199_990), new Uint8Array(10).fill(3));
      t.throwsCode(() => map.flush(200_001), 'ERR_OUT_OF_RANGE');
      await t.rejectsCode(() => map.flushAsync(-1), 'ERR_OUT_OF_RANGE', 'flushAsync rejects, never throws');
      map.flush(0, 10_000_000);
    },
  },
  {
    name: "flush() on 'read' and 'copy' maps does nothing and does not throw",
    async run(f, t) {
      const bytes = pattern(1_000);
      const storage = f.storage(bytes);
      using read = storage.open();
      read.flush();
      await read.flushAsync();
      using copy = storage.open({ access: 'copy' });
      copy.fill(0);
      copy.flush();
      await copy.flushAsync(0, 10);
      t.equal(storage.contents(), bytes);
    },
  },
  {
    name: "advise() never changes contents, 'dontneed' on a 'copy' map included",
    run(f, t) {
      const bytes = pattern(300_000);
      using map = f.storage(bytes).open({ access: 'copy' });
      map.write('kept', 70_000);
      for (const advice of ['normal', 'random', 'sequential', 'willneed', 'dontneed'] as const) {
        map.advise(advice);
        map.advise(advice, 65_536, 1_000_000);
      }
      const expected = bytes.slice();
      expected.set(new TextEncoder().encode('kept'), 70_000);
      t.equal(map.read(0), expected);
      t.throwsCode(() => map.advise('often' as never), 'ERR_INVALID_ARG_VALUE');
      t.throwsCode(() => map.advise(1 as never), 'ERR_INVALID_ARG_TYPE');
      t.throwsCode(() => map.advise('normal', 300_001), 'ERR_OUT_OF_RANGE');
    },
  },
  {
    name: 'residency() reports mapped bytes and at most that many resident',
    run(f, t) {
      using map = f.storage(pattern(100_000)).open();
      map.read(0, 100_000);
      const r = map.residency();
      t.equal(r.mappedBytes, 100_000);
      t.equal(r.residentBytes >= 0 && r.residentBytes <= r.mappedBytes, true, `resident ${r.residentBytes}`);
    },
  },
  {
    name: 'stats() counts bytes moved, as non-negative integers',
    run(f, t) {
      using map = f.storage(pattern(100_000)).open({ access: 'write' });
      map.read(0, 50_000);
      map.write(new Uint8Array(1_000), 0);
      map.flush();
      const s = map.stats();
      t.equal(Object.keys(s).sort(), ['bytesRead', 'bytesWritten', 'cacheHits', 'evictions', 'faults', 'requests']);
      for (const [k, v] of Object.entries(s)) t.equal(Number.isSafeInteger(v) && v >= 0, true, k);
      t.equal(s.bytesRead > 0, true, 'bytesRead');
      t.equal(s.bytesWritten > 0, true, 'bytesWritten');
    },
  },
];
