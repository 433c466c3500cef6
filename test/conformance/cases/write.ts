/** Writing: write, fill, move, typed setters; where changes go for each access mode. */
import { ascii, pattern, type Case } from '../harness.js';

export const writeCases: Case[] = [
  {
    name: "write() changes the bytes in place and a 'write' map's changes reach storage by flush()",
    run(f, t) {
      const bytes = pattern(20_000);
      const storage = f.storage(bytes);
      using map = storage.open({ access: 'write' });
      t.equal(map.write(new Uint8Array([9, 8, 7]), 4_095), 3, 'count');
      t.equal(map.write('héllo', 10_000), 6, 'strings are UTF-8');
      t.equal(map.read(4_094, 5), new Uint8Array([bytes[4_094], 9, 8, 7, bytes[4_098]]));
      map.flush();
      const expected = bytes.slice();
      expected.set([9, 8, 7], 4_095);
      expected.set(ascii('héllo'), 10_000);
      t.equal(storage.contents(), expected, 'storage after flush');
    },
  },
  {
    name: "close() flushes a 'write' map",
    run(f, t) {
      const bytes = pattern(9_000);
      const storage = f.storage(bytes);
      const map = storage.open({ access: 'write' });
      map.fill(0x55, 8_000, 1_000);
      map.close();
      const expected = bytes.slice();
      expected.fill(0x55, 8_000);
      t.equal(storage.contents(), expected);
    },
  },
  {
    name: 'write() never clips: a range past the end throws and changes nothing',
    run(f, t) {
      const bytes = pattern(100);
      const storage = f.storage(bytes);
      using map = storage.open({ access: 'write' });
      t.throwsCode(() => map.write(new Uint8Array(10), 95), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.write('x', 101), 'ERR_OUT_OF_RANGE');
      t.equal(map.write(new Uint8Array(0), 100), 0, 'an empty write at the end');
      t.equal(map.write(new Uint8Array(5), 95), 5, 'exactly up to the end');
      t.throwsCode(() => map.write(undefined as never, 0), 'ERR_INVALID_ARG_TYPE');
      t.throwsCode(() => map.write(new Uint8Array(1), undefined as never), 'ERR_INVALID_ARG_TYPE');
      map.close();
      const expected = bytes.slice();
      expected.fill(0, 95);
      t.equal(storage.contents(), expected);
    },
  },
  {
    name: 'fill() sets a range, to the end when length is omitted, and never clips',
    run(f, t) {
      using map = f.storage(pattern(5_000)).open({ access: 'write' });
      map.fill(7, 4_000);
      t.equal(map.read(4_000), new Uint8Array(1_000).fill(7));
      map.fill(1, 10, 3);
      t.equal(map.read(9, 5), new Uint8Array([map.at(9)!, 1, 1, 1, map.at(13)!]));
      map.fill(2);
      t.equal(map.read(0), new Uint8Array(5_000).fill(2));
      t.throwsCode(() => map.fill(3, 4_999, 2), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.fill(256), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.fill(-1), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.fill(1.5), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.fill('1' as never), 'ERR_INVALID_ARG_TYPE');
    },
  },
  {
    name: 'move() is a memmove inside the map, overlapping either way',
    run(f, t) {
      const bytes = pattern(12_000);
      using map = f.storage(bytes).open({ access: 'write' });
      const model = bytes.slice();
      map.move(100, 0, 9_000);
      model.copyWithin(100, 0, 9_000);
      t.equal(map.read(0), model, 'forward overlap');
      map.move(0, 4_000, 8_000);
      model.copyWithin(0, 4_000, 12_000);
      t.equal(map.read(0), model, 'backward overlap');
      map.move(11_000, 11_000, 1_000);
      t.equal(map.read(0), model, 'onto itself');
      t.throwsCode(() => map.move(11_001, 0, 1_000), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.move(0, 11_001, 1_000), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.move(0, 0, undefined as never), 'ERR_INVALID_ARG_TYPE');
    },
  },
  {
    name: 'typed setters write like a DataView and check their value type',
    run(f, t) {
      const size = 64;
      const storage = f.storage(new Uint8Array(size));
      using map = storage.open({ access: 'write' });
      const model = new DataView(new ArrayBuffer(size));
      map.setUint8(0, 0xfe);
      model.setUint8(0, 0xfe);
      map.setInt8(1, -2);
      model.setInt8(1, -2);
      map.setUint16(2, 0xbeef, true);
      model.setUint16(2, 0xbeef, true);
      map.setInt16(5, -12_345);
      model.setInt16(5, -12_345);
      map.setUint32(7, 0xdeadbeef);
      model.setUint32(7, 0xdeadbeef);
      map.setInt32(11, -7, true);
      model.setInt32(11, -7, true);
      map.setFloat32(15, 1.5);
      model.setFloat32(15, 1.5);
      map.setFloat64(19, Math.PI, true);
      model.setFloat64(19, Math.PI, true);
      map.setBigUint64(27, 0x0123456789abcdefn);
      model.setBigUint64(27, 0x0123456789abcdefn);
      map.setBigInt64(56, -3n, true);
      model.setBigInt64(56, -3n, true);
      t.equal(map.read(0), new Uint8Array(model.buffer));
      t.equal(map.getFloat64(19, true), Math.PI);
      t.throwsCode(() => map.setUint32(0, 1n as never), 'ERR_INVALID_ARG_TYPE', 'bigint for setUint32');
      t.throwsCode(() => map.setBigInt64(0, 1 as never), 'ERR_INVALID_ARG_TYPE', 'number for setBigInt64');
      t.throwsCode(() => map.setUint16(63, 1), 'ERR_OUT_OF_RANGE', 'past the end');
      map.flush();
      t.equal(storage.contents(), new Uint8Array(model.buffer), 'setters reach storage');
    },
  },
  {
    name: "a 'read' map refuses every write, and nothing reaches storage",
    run(f, t) {
      const bytes = pattern(3_000);
      const storage = f.storage(bytes);
      using map = storage.open();
      t.equal(map.access, 'read');
      t.throwsCode(() => map.write(new Uint8Array(1), 0), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.fill(0), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.move(0, 1, 1), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.setUint32(0, 1), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.setBigInt64(0, 1n), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.cursor().write('x'), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.cursor().writeByte(1), 'ERR_MMAP_READ_ONLY');
      t.throwsCode(() => map.resize(10), 'ERR_MMAP_READ_ONLY');
      map.flush();
      t.equal(storage.contents(), bytes);
    },
  },
  {
    name: "stores through a 'read' map's view never reach storage",
    run(f, t) {
      const bytes = pattern(8_192);
      const storage = f.storage(bytes);
      const map = storage.open();
      if (map.stableViews) {
        const v = map.view();
        v.fill(0x11, 0, 100);
        map.flush();
      }
      map.close();
      t.equal(storage.contents(), bytes);
    },
  },
  {
    name: "a 'copy' map accepts writes that never reach storage",
    run(f, t) {
      const bytes = pattern(10_000);
      const storage = f.storage(bytes);
      const map = storage.open({ access: 'copy' });
      map.write(ascii('private'), 100);
      map.setUint16(200, 0xffff);
      t.equal(map.read(100, 7), ascii('private'), 'the map sees its change');
      map.flush();
      t.equal(storage.contents(), bytes, 'after flush');
      map.close();
      t.equal(storage.contents(), bytes, 'after close');
    },
  },
  {
    name: "stores through a 'write' map's view reach storage by flush()",
    needs: ['stableViews'],
    run(f, t) {
      const bytes = pattern(30_000);
      const storage = f.storage(bytes);
      using map = storage.open({ access: 'write' });
      const v = map.view(10_000, 10_000);
      v.fill(0xaa, 5_000, 5_100);
      map.flush();
      const expected = bytes.slice();
      expected.fill(0xaa, 15_000, 15_100);
      t.equal(storage.contents(), expected);
    },
  },
];
