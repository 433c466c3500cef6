/** Reading: at, read, readInto, typed getters, view. */
import { pattern, type Case } from '../harness.js';

export const readCases: Case[] = [
  {
    name: 'read() returns a copy of the bytes, clipped at the end',
    run(f, t) {
      const bytes = pattern(10_000);
      using map = f.storage(bytes).open();
      t.equal(map.byteLength, 10_000, 'byteLength');
      t.equal(map.read(0, 16), bytes.subarray(0, 16), 'first bytes');
      t.equal(map.read(9_990, 100), bytes.subarray(9_990), 'clipped');
      t.equal(map.read(10_000), new Uint8Array(0), 'at the end');
      t.equal(map.read(5_000), bytes.subarray(5_000), 'to the end');
      const copy = map.read(0, 4);
      copy[0] ^= 0xff;
      t.equal(map.read(0, 1)[0], bytes[0], 'a copy, not an alias');
    },
  },
  {
    name: 'at() counts negative indexes from the end and returns undefined outside',
    run(f, t) {
      const bytes = pattern(300);
      using map = f.storage(bytes).open();
      t.equal(map.at(0), bytes[0]);
      t.equal(map.at(-1), bytes[299]);
      t.equal(map.at(-300), bytes[0]);
      t.equal(map.at(300), undefined);
      t.equal(map.at(-301), undefined);
      t.throwsCode(() => map.at(1.5), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => map.at('1' as never), 'ERR_INVALID_ARG_TYPE');
    },
  },
  {
    name: 'readInto() fills any ArrayBufferView and returns the count',
    run(f, t) {
      const bytes = pattern(5_000);
      using map = f.storage(bytes).open();
      const target = new Uint8Array(100);
      t.equal(map.readInto(target, 4_950), 50, 'clipped count');
      t.equal(target.subarray(0, 50), bytes.subarray(4_950));
      const words = new Uint32Array(4);
      t.equal(map.readInto(words, 8), 16);
      t.equal(new Uint8Array(words.buffer), bytes.subarray(8, 24));
      const dv = new DataView(new ArrayBuffer(8));
      t.equal(map.readInto(dv, 0), 8);
      t.equal(new Uint8Array(dv.buffer), bytes.subarray(0, 8));
      t.throwsCode(() => map.readInto(new ArrayBuffer(4) as never, 0), 'ERR_INVALID_ARG_TYPE');
    },
  },
  {
    name: 'typed getters read like a DataView over the file, big-endian by default',
    run(f, t) {
      const bytes = pattern(64);
      const dv = new DataView(bytes.buffer);
      using map = f.storage(bytes).open();
      for (const le of [false, true]) {
        t.equal(map.getUint16(3, le), dv.getUint16(3, le), 'getUint16');
        t.equal(map.getInt16(5, le), dv.getInt16(5, le), 'getInt16');
        t.equal(map.getUint32(7, le), dv.getUint32(7, le), 'getUint32');
        t.equal(map.getInt32(11, le), dv.getInt32(11, le), 'getInt32');
        t.equal(map.getFloat32(13, le), dv.getFloat32(13, le), 'getFloat32');
        t.equal(map.getFloat64(17, le), dv.getFloat64(17, le), 'getFloat64');
        t.equal(map.getBigUint64(25, le), dv.getBigUint64(25, le), 'getBigUint64');
        t.equal(map.getBigInt64(56, le), dv.getBigInt64(56, le), 'getBigInt64 at the last 8 bytes');
      }
      t.equal(map.getUint8(63), bytes[63]);
      t.equal(map.getInt8(1), dv.getInt8(1));
      t.throwsCode(() => map.getUint32(61), 'ERR_OUT_OF_RANGE', 'past the end');
      t.throwsCode(() => map.getBigUint64(57), 'ERR_OUT_OF_RANGE');
    },
  },
  {
    name: 'view() aliases the mapped bytes where views are stable',
    run(f, t) {
      const bytes = pattern(8_192);
      using map = f.storage(bytes).open({ access: 'write' });
      if (!map.stableViews) {
        t.throwsCode(() => map.view(), 'ERR_MMAP_UNSTABLE_VIEW');
        return;
      }
      const v = map.view(100, 50);
      t.equal(v, bytes.subarray(100, 150));
      map.write(new Uint8Array([1, 2, 3]), 100);
      t.equal(v.subarray(0, 3), new Uint8Array([1, 2, 3]), 'a write shows through an earlier view');
      v[10] = 0xab;
      t.equal(map.at(110), 0xab, 'a store through the view shows in the map');
      t.equal(map.view(8_000).length, 192, 'clipped at the end');
    },
  },
];
