/** stream(): a Web ReadableStream of copies that outlives close(). */
import { collect, pattern, type Case } from '../harness.js';

export const streamCases: Case[] = [
  {
    name: 'stream() yields the bytes of a range, clipped at the end',
    async run(f, t) {
      const bytes = pattern(300_000);
      using map = f.storage(bytes).open();
      t.equal(await collect(map.stream()), bytes);
      t.equal(await collect(map.stream(123_456, 100_000)), bytes.subarray(123_456, 223_456));
      t.equal(await collect(map.stream(299_000, 5_000)), bytes.subarray(299_000));
      t.equal(await collect(map.stream(300_000)), new Uint8Array(0));
    },
  },
  {
    name: 'stream() validates synchronously and refuses a closed map',
    run(f, t) {
      const map = f.storage(pattern(100)).open();
      t.throwsCode(() => map.stream(101), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.stream(0, -1), 'ERR_OUT_OF_RANGE');
      map.close();
      t.throwsCode(() => map.stream(), 'ERR_MMAP_CLOSED');
    },
  },
  {
    name: 'a stream keeps reading after close() until it ends',
    async run(f, t) {
      const bytes = pattern(500_000);
      const map = f.storage(bytes).open();
      const stream = map.stream(1, 400_000);
      map.close();
      t.equal(map.closed, true);
      t.equal(await collect(stream), bytes.subarray(1, 400_001));
    },
  },
  {
    name: 'stream() enqueues copies: changing the map later does not change chunks already read',
    async run(f, t) {
      const bytes = pattern(100_000);
      using map = f.storage(bytes).open({ access: 'write' });
      const reader = map.stream(0, 1_000).getReader();
      const first = await reader.read();
      map.fill(0, 0, 1_000);
      t.equal(first.value, bytes.subarray(0, first.value!.length));
      await reader.cancel();
    },
  },
];
