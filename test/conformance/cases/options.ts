/** openMap options: offset, length, grow, empty files. */
import { pattern, type Case } from '../harness.js';

export const optionCases: Case[] = [
  {
    name: 'any byte offset maps the bytes from there',
    run(f, t) {
      const bytes = pattern(200_000);
      const storage = f.storage(bytes);
      for (const offset of [1, 4_095, 4_097, 65_537, 131_071]) {
        using map = storage.open({ offset });
        t.equal(map.byteLength, bytes.length - offset, `length at ${offset}`);
        t.equal(map.read(0, 32), bytes.subarray(offset, offset + 32), `bytes at ${offset}`);
        t.equal(map.at(-1), bytes[bytes.length - 1]);
        t.equal(map.getUint32(0, true), new DataView(bytes.buffer).getUint32(offset, true));
      }
      using window = storage.open({ offset: 1_000, length: 4_096 });
      t.equal(window.byteLength, 4_096);
      t.equal(window.read(0), bytes.subarray(1_000, 5_096));
    },
  },
  {
    name: "writes at an offset land at offset + position in storage",
    run(f, t) {
      const bytes = pattern(50_000);
      const storage = f.storage(bytes);
      const map = storage.open({ access: 'write', offset: 10_001, length: 20_000 });
      map.write('abc', 0);
      map.fill(0xee, 19_990, 10);
      map.close();
      const expected = bytes.slice();
      expected.set([97, 98, 99], 10_001);
      expected.fill(0xee, 29_991, 30_001);
      t.equal(storage.contents(), expected);
    },
  },
  {
    name: 'an empty file, length 0 and offset at the end make zero-length maps',
    run(f, t) {
      using empty = f.storage(new Uint8Array(0)).open();
      t.equal(empty.byteLength, 0);
      t.equal(empty.read(0), new Uint8Array(0));
      t.equal(empty.at(0), undefined);
      t.equal(empty.find('x'), -1);
      t.equal(empty.find(''), 0);
      t.equal([...empty.cursor().lines()].length, 0);
      t.throwsCode(() => empty.read(1), 'ERR_OUT_OF_RANGE');
      const storage = f.storage(pattern(100));
      using none = storage.open({ length: 0 });
      t.equal(none.byteLength, 0);
      using end = storage.open({ offset: 100 });
      t.equal(end.byteLength, 0);
      using writable = f.storage(new Uint8Array(0)).open({ access: 'write' });
      writable.flush();
      t.equal(writable.byteLength, 0);
    },
  },
  {
    name: 'mapping past the end without grow is ERR_OUT_OF_RANGE and leaves storage unchanged',
    run(f, t) {
      const bytes = pattern(1_000);
      const storage = f.storage(bytes);
      t.throwsCode(() => storage.open({ length: 1_001 }), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => storage.open({ offset: 1_001 }), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => storage.open({ offset: 500, length: 501, access: 'write' }), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => storage.open({ length: 2_000, grow: true }), 'ERR_MMAP_READ_ONLY', 'grow needs write');
      t.throwsCode(() => storage.open({ length: 2_000, grow: true, access: 'copy' }), 'ERR_MMAP_READ_ONLY');
      t.equal(storage.contents(), bytes);
    },
  },
  {
    name: "grow extends the storage of a 'write' map with zeros",
    needs: ['resizable'],
    run(f, t) {
      const bytes = pattern(1_000);
      const storage = f.storage(bytes);
      const map = storage.open({ access: 'write', offset: 500, length: 10_000, grow: true });
      t.equal(map.byteLength, 10_000);
      t.equal(map.read(0, 500), bytes.subarray(500));
      t.equal(map.read(500, 9_500), new Uint8Array(9_500), 'new bytes are zero');
      map.write('end', 9_997);
      map.close();
      const stored = storage.contents();
      t.equal(stored.length, 10_500);
      t.equal(stored.subarray(0, 1_000), bytes);
      t.equal(stored.subarray(10_497), new TextEncoder().encode('end'));
    },
  },
];
