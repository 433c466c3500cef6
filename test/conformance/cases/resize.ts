/** resize(): grows and shrinks the map and its storage. */
import { pattern, type Case } from '../harness.js';

export const resizeCases: Case[] = [
  {
    // Failed before the fix: byteLength was -0, which prints as 0 but is not Object.is 0.
    name: 'resize(-0) gives byteLength 0, not -0',
    needs: ['resizable'],
    run(f, t) {
      using map = f.storage(pattern(5_000)).open({ access: 'write' });
      map.resize(-0);
      t.equal(Object.is(map.byteLength, 0), true, 'byteLength is +0');
      map.resize(10);
      t.equal(map.byteLength, 10);
    },
  },
  {
    name: 'resize() grows with zeros and shrinks, keeping the bytes in common',
    needs: ['resizable'],
    run(f, t) {
      const bytes = pattern(10_000);
      const storage = f.storage(bytes);
      using map = storage.open({ access: 'write' });
      map.resize(100_000);
      t.equal(map.byteLength, 100_000);
      t.equal(map.read(0, 10_000), bytes);
      t.equal(map.read(10_000), new Uint8Array(90_000));
      map.write('tail', 99_996);
      map.flush();
      t.equal(storage.contents().length, 100_000, 'storage grew');
      map.resize(5_000);
      t.equal(map.byteLength, 5_000);
      t.equal(map.read(0), bytes.subarray(0, 5_000));
      t.throwsCode(() => map.read(5_001), 'ERR_OUT_OF_RANGE');
      map.flush();
      t.equal(storage.contents(), bytes.subarray(0, 5_000), 'storage shrank');
    },
  },
  {
    name: 'resize() keeps unflushed changes and detaches earlier views',
    needs: ['resizable'],
    run(f, t) {
      const storage = f.storage(pattern(8_192));
      using map = storage.open({ access: 'write' });
      map.write('changed', 10);
      const v = map.stableViews ? map.view() : undefined;
      map.resize(16_384);
      if (v) t.equal(v.length, 0, 'old view detached');
      t.equal(map.read(10, 7), new TextEncoder().encode('changed'));
      map.close();
      t.equal(storage.contents().subarray(10, 17), new TextEncoder().encode('changed'));
    },
  },
  {
    name: "resize(0) empties the map and cuts storage at the map's offset",
    needs: ['resizable'],
    run(f, t) {
      const bytes = pattern(3_000);
      const storage = f.storage(bytes);
      const map = storage.open({ access: 'write', offset: 1_000 });
      map.resize(0);
      t.equal(map.byteLength, 0);
      t.equal(map.read(0), new Uint8Array(0));
      map.resize(10);
      t.equal(map.read(0), new Uint8Array(10));
      map.close();
      const stored = storage.contents();
      t.equal(stored.length, 1_010);
      t.equal(stored.subarray(0, 1_000), bytes.subarray(0, 1_000));
    },
  },
  {
    name: 'resize() of a map at an offset sets the storage size to offset + newLength',
    needs: ['resizable'],
    run(f, t) {
      const bytes = pattern(10_000);
      const storage = f.storage(bytes);
      const map = storage.open({ access: 'write', offset: 4_000, length: 1_000 });
      map.resize(2_000);
      t.equal(map.read(0, 1_000), bytes.subarray(4_000, 5_000));
      t.equal(map.read(1_000, 1_000), bytes.subarray(5_000, 6_000), 'the bytes that followed, now inside the map');
      map.close();
      t.equal(storage.contents(), bytes.subarray(0, 6_000), 'whatever followed the map is dropped');
    },
  },
  {
    name: "resize() needs a 'write' map",
    run(f, t) {
      const storage = f.storage(pattern(100));
      using read = storage.open();
      t.throwsCode(() => read.resize(200), 'ERR_MMAP_READ_ONLY');
      using copy = storage.open({ access: 'copy' });
      t.throwsCode(() => copy.resize(200), 'ERR_MMAP_READ_ONLY');
    },
  },
  {
    name: 'resize() needs a valid length',
    needs: ['resizable'],
    run(f, t) {
      const storage = f.storage(pattern(100));
      using write = storage.open({ access: 'write' });
      t.throwsCode(() => write.resize(-1), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => write.resize(1.5), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => write.resize('1' as never), 'ERR_INVALID_ARG_TYPE');
      write.resize(100);
      t.equal(write.byteLength, 100, 'same length: nothing to do');
    },
  },
];
