/** Closing, disposal and what happens to views and calls afterwards. */
import { pattern, type Case } from '../harness.js';
import type { MemoryMap } from '../../../src/types.js';

/** Every member but close(), called with valid arguments. */
function everyCall(map: MemoryMap): Array<[string, () => unknown]> {
  return [
    ['at', () => map.at(0)],
    ['read', () => map.read(0, 1)],
    ['readInto', () => map.readInto(new Uint8Array(1), 0)],
    ['getUint8', () => map.getUint8(0)],
    ['getUint32', () => map.getUint32(0)],
    ['getBigInt64', () => map.getBigInt64(0)],
    ['setUint8', () => map.setUint8(0, 1)],
    ['setFloat64', () => map.setFloat64(0, 1)],
    ['view', () => map.view()],
    ['write', () => map.write('x', 0)],
    ['fill', () => map.fill(0)],
    ['move', () => map.move(0, 1, 1)],
    ['find', () => map.find('x')],
    ['rfind', () => map.rfind('x')],
    ['cursor', () => map.cursor()],
    ['flush', () => map.flush()],
    ['resize', () => map.resize(10)],
    ['advise', () => map.advise('normal')],
    ['residency', () => map.residency()],
    ['stats', () => map.stats()],
    ['stream', () => map.stream()],
  ];
}

export const lifecycleCases: Case[] = [
  {
    name: 'every call but close() on a closed map throws ERR_MMAP_CLOSED; close() is idempotent',
    async run(f, t) {
      const map = f.storage(pattern(100)).open({ access: 'write' });
      t.equal(map.closed, false);
      map.close();
      t.equal(map.closed, true);
      map.close();
      for (const [name, call] of everyCall(map)) t.throwsCode(call, 'ERR_MMAP_CLOSED', name);
      await t.rejectsCode(() => map.flushAsync(), 'ERR_MMAP_CLOSED', 'flushAsync rejects');
    },
  },
  {
    name: 'close() detaches every view handed out: old views become zero-length',
    run(f, t) {
      const map = f.storage(pattern(10_000)).open();
      if (!map.stableViews) {
        // 10,000 bytes fit in every fixture's window, so this branch is not taken today; where it is, view() must refuse.
        t.throwsCode(() => map.view(), 'ERR_MMAP_UNSTABLE_VIEW');
        map.close();
        return;
      }
      const whole = map.view();
      const part = map.view(5_000, 10);
      map.close();
      t.equal(whole.length, 0, 'whole view');
      t.equal(part.length, 0, 'sub-view');
      t.equal(whole[0], undefined);
    },
  },
  {
    name: 'Symbol.dispose closes the map',
    run(f, t) {
      const storage = f.storage(pattern(100));
      let outer: MemoryMap | undefined;
      {
        using map = storage.open({ access: 'write' });
        outer = map;
        map.write('x', 0);
        t.equal(map.closed, false);
      }
      t.equal(outer.closed, true);
      t.equal(storage.contents()[0], 'x'.charCodeAt(0), 'dispose flushed');
    },
  },
  {
    name: 'the map reports its backend, access, length and view stability',
    run(f, t) {
      using map = f.storage(pattern(4_096)).open({ access: 'copy' });
      t.equal(map.backend === 'native' || map.backend === 'wasm', true, 'backend');
      t.equal(map.access, 'copy');
      t.equal(map.byteLength, 4_096);
      t.equal(typeof map.stableViews, 'boolean');
      // The fixture's declared capability decides which cases run on it: check it on a map
      // larger than any fixture's window (16 KiB), where a windowed pager hands out no views.
      using large = f.storage(pattern(1 << 20)).open();
      t.equal(large.stableViews, f.stableViews, 'a 1 MiB map hands out views exactly when the fixture declares stableViews');
    },
  },
];
