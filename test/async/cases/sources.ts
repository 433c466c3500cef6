/** Blobs and a user's AsyncPageSource, 'write' maps included: flush() and resize() reach the source. */
import { ascii, pattern } from '../../conformance/harness.js';
import { rng, type AsyncCase } from '../harness.js';
import { memorySource } from './memory-source.js';

const PAGE = 4096;

export const sourceCases: AsyncCase[] = [
  {
    name: 'a Blob maps: random reads, find() and a stream, windowed',
    async run(f, t) {
      const bytes = pattern(2_000_000, 11);
      const map = await f.open(new Blob([bytes as BlobPart]), { pageSize: PAGE, maxResident: 32 * PAGE });
      const next = rng(3);
      for (let i = 0; i < 30; i++) {
        const length = 1 + next(200_000);
        const offset = next((bytes.length - length));
        t.equal(await map.read(offset, length), bytes.subarray(offset, offset + length), `read(${offset}, ${length})`);
      }
      const needle = bytes.subarray(1_500_000, 1_500_030);
      t.equal(await map.find(needle), 1_500_000, 'find()');
      t.equal(await map.rfind(needle), 1_500_000, 'rfind()');
      t.equal(map.stats().faults > 0 && map.stats().requests > 0, true, 'counted');
      await map.close();
    },
  },
  {
    name: "a user's AsyncPageSource with 'write': changes reach it by flush(), eviction and close(), resize() truncates it",
    async run(f, t) {
      const initial = pattern(40 * PAGE, 12);
      const source = memorySource(initial);
      const map = await f.open(source, { access: 'write', pageSize: PAGE, maxResident: 8 * PAGE });
      const model = initial.slice();
      await map.write(ascii('first'), 10);
      model.set(ascii('first'), 10);
      await map.flush();
      t.equal(source.bytes, model, 'after flush()');
      t.equal(source.calls.sync >= 1, true, 'flush() syncs');
      // change every page: most are evicted (written back) before flush()
      for (let page = 0; page < 40; page++) {
        await map.fill(page, page * PAGE + 100, 50);
        model.fill(page, page * PAGE + 100, page * PAGE + 150);
      }
      await map.move(3 * PAGE, 20 * PAGE, 2 * PAGE);
      model.copyWithin(3 * PAGE, 20 * PAGE, 22 * PAGE);
      t.equal(await map.read(0), model, 'read back before flush()');
      await map.flush();
      t.equal(source.bytes, model, 'after flush()');
      await map.resize(50 * PAGE + 7);
      t.equal(map.byteLength, 50 * PAGE + 7, 'byteLength after growing');
      t.equal(source.bytes.length, 50 * PAGE + 7, 'the source grew');
      await map.write(ascii('tail'), 50 * PAGE + 3);
      await map.resize(30 * PAGE);
      t.equal(source.calls.truncate, 2, 'truncate() per resize()');
      await map.write(ascii('last'), 30 * PAGE - 4);
      await map.close();
      const expected = model.slice(0, 30 * PAGE);
      expected.set(ascii('last'), 30 * PAGE - 4);
      t.equal(source.bytes, expected, 'after close()');
      t.equal(source.calls.close, 1, 'close() once');
      await map.close();
      t.equal(source.calls.close, 1, 'still once');
    },
  },
  {
    name: "a 'copy' map of a writable source never writes to it",
    async run(f, t) {
      const initial = pattern(20 * PAGE, 15);
      const source = memorySource(initial);
      const map = await f.open(source, { access: 'copy', pageSize: PAGE, maxResident: 8 * PAGE });
      await map.write(ascii('private'), 5 * PAGE - 3);
      for (let page = 0; page < 20; page++) await map.read(page * PAGE, 10); // evicts what it can
      t.equal(await map.read(5 * PAGE - 3, 7), ascii('private'), 'the change stays (pinned)');
      await map.flush();
      await map.close();
      t.equal([source.calls.write, source.calls.sync, source.calls.truncate], [0, 0, 0], 'no write, sync or truncate');
      t.equal(source.bytes, initial, 'the source is unchanged');
    },
  },
  {
    name: "a 'copy' map with all but two frames pinned still reads sequentially and at random",
    async run(f, t) {
      const bytes = pattern(64 * PAGE, 16);
      const map = await f.open(new Blob([bytes as BlobPart]), { access: 'copy', pageSize: PAGE, maxResident: 16 * PAGE });
      await map.fill(1, 0, 14 * PAGE); // 14 of 16 frames pinned
      await t.rejectsCode(map.write(ascii('x'), 20 * PAGE), 'ERR_MMAP_NO_MEMORY', 'one more pin');
      for (let offset = 14 * PAGE; offset < bytes.length; offset += 1000) {
        t.equal(await map.read(offset, 1000), bytes.subarray(offset, offset + 1000), `read at ${offset}`);
      }
      t.equal(await map.read(3 * PAGE, 10), new Uint8Array(10).fill(1), 'the pinned pages');
      await map.close();
    },
  },
  {
    name: 'a page evicted while its write-back is in flight is read back with its changes',
    async run(f, t) {
      const source = memorySource(pattern(16 * PAGE, 13));
      const map = await f.open(source, { access: 'write', pageSize: PAGE, maxResident: 4 * PAGE });
      let open!: () => void;
      source.writeGate = new Promise((resolve) => (open = resolve));
      await map.fill(0xaa, 0, PAGE); // page 0 dirty
      for (let page = 1; page < 8; page++) await map.read(page * PAGE, 10); // page 0 evicted, its write held
      t.equal(source.calls.write >= 1, true, 'a write-back is in flight');
      t.equal(await map.read(0, PAGE), new Uint8Array(PAGE).fill(0xaa), 'read back before the write landed');
      open();
      await map.flush();
      t.equal(source.bytes.subarray(0, PAGE), new Uint8Array(PAGE).fill(0xaa), 'landed');
      await map.close();
    },
  },
  {
    name: 'a page still loading is not loaded: not for at(), and concurrent reads wait for its one read',
    async run(f, t) {
      const bytes = pattern(3 * PAGE, 14);
      const source = memorySource(bytes, { writable: false });
      const map = await f.open(source, { pageSize: PAGE });
      await map.load(0, PAGE);
      let open!: () => void;
      source.readGate = new Promise((resolve) => (open = resolve));
      source.heldFrom = 2 * PAGE;
      const reads = [map.read(2 * PAGE + 1, 10), map.read(2 * PAGE + 100, 10)];
      await new Promise((resolve) => setTimeout(resolve, 0)); // a later tick: the next read is not merged with the held one
      await map.read(PAGE, 10); // now every frame is taken, one of them still loading
      t.throwsCode(() => map.at(2 * PAGE + 1), 'ERR_MMAP_NOT_LOADED', 'at() of the loading page');
      const before = source.calls.read;
      open();
      t.equal(await Promise.all(reads), [bytes.subarray(2 * PAGE + 1, 2 * PAGE + 11), bytes.subarray(2 * PAGE + 100, 2 * PAGE + 110)], 'the reads');
      t.equal(source.calls.read, before, 'no further read of the page');
      t.equal(map.at(2 * PAGE + 1), bytes[2 * PAGE + 1], 'at() once loaded');
      await map.close();
    },
  },
  {
    name: "a source's errors reject the call that needed it; a pending call's map may be closed meanwhile",
    async run(f, t) {
      const failing = memorySource(pattern(10 * PAGE, 1), { writable: false });
      failing.read = async () => {
        throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
      };
      const map = await f.open(failing, { pageSize: PAGE });
      await t.rejectsCode(map.read(0, 10), 'EIO', 'read()');
      await map.close();
      const slow = memorySource(pattern(10 * PAGE, 1), { writable: false });
      const other = await f.open(slow, { pageSize: PAGE });
      const pending = other.read(5 * PAGE, 10);
      await other.close();
      await t.rejectsCode(pending, 'ERR_MMAP_CLOSED', 'a read pending at close()');
    },
  },
  {
    name: 'timeout and signal guard the calls to a user source too',
    async run(f, t) {
      const stuck = memorySource(pattern(10 * PAGE, 1), { writable: false });
      stuck.read = () => new Promise<number>(() => undefined);
      const map = await f.open(stuck, { pageSize: PAGE, timeout: 50 });
      await t.rejectsCode(map.read(0, 10), 'ERR_MMAP_SOURCE_FAILED', 'timed out');
      await map.close();
      const controller = new AbortController();
      const other = await f.open(stuck, { pageSize: PAGE, signal: controller.signal });
      const pending = other.read(0, 10);
      controller.abort();
      await t.rejectsCode(pending, 'AbortError', 'aborted');
      await t.rejectsCode(other.load(0, 1), 'AbortError', 'later calls');
      await other.close();
    },
  },
];
