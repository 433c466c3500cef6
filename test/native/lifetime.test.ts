/**
 * Views, buffers and mappings after close(), resize() and garbage collection, in
 * child processes: a fault there would be a SIGSEGV/SIGBUS that kills the
 * process, so each test checks the child's exit status as well as its report.
 */
import { readFileSync } from 'node:fs';
import { ensureBuilt, expectBytes, expectClean, lastJson, runChild } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { pattern } from '../conformance/harness.js';

const files = tempFiles('native');
beforeAll(ensureBuilt);
afterAll(() => files.cleanup());

/** Lines of /proc/self/maps, and the address range a path is mapped at — for children. */
const MAPS_HELPERS = `
import { readFileSync } from 'node:fs';
const mapsLines = () => readFileSync('/proc/self/maps', 'utf8').split('\\n');
const rangeOf = (path) => mapsLines().find((line) => line.endsWith(' ' + path))?.split(' ')[0];
const present = (range) => mapsLines().some((line) => line.startsWith(range + ' '));
const immediates = async (n = 3) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };
`;

describe('views after close() and resize()', () => {
  it('become zero-length; reads give undefined, stores are ignored, nothing crashes', () => {
    const path = files.file('detach.bin', pattern(64 * 1024));
    const result = runChild(
      `import { openMap } from DIST;
      const out = {};
      const map = openMap(process.argv[2], { access: 'write' });
      const a = map.view();
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      map.resize(32 * 1024);
      out.afterResize = [a.length, a.byteLength, a.buffer.byteLength, a[0], a[100]];
      a[0] = 1;
      try { dv.getUint8(0); out.dvResize = 'read'; } catch (e) { out.dvResize = e.name; }
      const b = map.view(10, 100);
      out.newView = b.length;
      map.close();
      out.afterClose = [b.length, b[0]];
      b[5] = 9;
      try { b.fill(3); out.fill = 'filled'; } catch (e) { out.fill = e.name; }
      try { new Uint8Array(b.buffer); out.wrap = 'wrapped'; } catch (e) { out.wrap = e.name; }
      console.log(JSON.stringify(out));`,
      { args: [path] },
    );
    expectClean(result);
    const out = lastJson(result);
    expect(out.afterResize).toEqual([0, 0, 0, null, null]);
    expect(out.dvResize).toBe('TypeError');
    expect(out.newView).toBe(100);
    expect(out.afterClose).toEqual([0, null]);
    expect(['TypeError', 'filled']).toContain(out.fill);
    expect(out.wrap).toBe('TypeError');
    expect(readFileSync(path).length).toBe(32 * 1024);
  });

  it("a view of a 'read' map takes stray stores without crashing, and the file never sees them", () => {
    const bytes = pattern(20_000);
    const path = files.file('stray.bin', bytes);
    const result = runChild(
      `import { openMap } from DIST;
      const map = openMap(process.argv[2]);
      const v = map.view();
      v.fill(0xaa, 0, 100);
      new DataView(v.buffer, v.byteOffset).setUint32(5000, 0xdeadbeef);
      map.flush();
      const seen = [map.at(0), map.getUint32(5000)];
      map.close();
      console.log(JSON.stringify({ seen }));`,
      { args: [path] },
    );
    expectClean(result);
    expect(lastJson(result).seen).toEqual([0xaa, 0xdeadbeef]);
    expectBytes(readFileSync(path), bytes);
  });
});

describe('memory that escaped into another buffer', () => {
  for (const access of ['read', 'write', 'copy'] as const) {
    it(`reads zeros after close() of a '${access}' map, takes stores, and leaves the file alone`, () => {
      const bytes = pattern(50_000, 7);
      const path = files.file(`escape-${access}.bin`, bytes);
      const result = runChild(
        `import { openMap } from DIST;
        const map = openMap(process.argv[2], { access: '${access}' });
        const view = map.view(100, 1000);
        let controller;
        const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
        controller.enqueue(view); // transfers view.buffer: the chunk shares the mapping's memory
        const detachedByEnqueue = view.length === 0;
        const again = map.view(0, 4); // the map notices its window was taken and makes another
        const fresh = [...again];
        map.close();
        const { value } = await stream.getReader().read();
        const zeros = value.length === 1000 && value.every((b) => b === 0);
        value.fill(7);
        console.log(JSON.stringify({ detachedByEnqueue, fresh, zeros, stored: value[999] }));`,
        { args: [path] },
      );
      expectClean(result);
      const out = lastJson(result);
      expect(out).toEqual({ detachedByEnqueue: true, fresh: [...bytes.subarray(0, 4)], zeros: true, stored: 7 });
      expectBytes(readFileSync(path), bytes);
    });
  }

  // Failed before the fix: the 4-byte buffer over the truncation word held the whole region,
  // so every closed map kept its address range until a collection and an event-loop turn;
  // 64 GiB at a time, the loop ran out of address space (ENOMEM) after ~2,000 opens.
  it('gives the address range back at close() when no view of it was made, with no collection needed', () => {
    const path = files.file('sparse-64g.bin', '');
    const result = runChild(
      `import { openMap } from DIST;
      import { truncateSync } from 'node:fs';
      ${MAPS_HELPERS}
      const path = process.argv[2];
      truncateSync(path, 64 * 2 ** 30);
      const out = {};
      const map = openMap(path);
      map.getUint32(12345); // typed access reads the truncation word, through its buffer
      const range = rangeOf(path);
      map.close();
      out.rangeAfterClose = present(range);
      let opened = 0;
      try {
        for (; opened < 4096; opened++) openMap(path).close(); // 256 TiB in all, more than the address space
      } catch (error) {
        out.error = error.code;
      }
      out.opened = opened;
      console.log(JSON.stringify(out));`,
      { args: [path] },
    );
    expectClean(result);
    expect(lastJson(result)).toEqual({ rangeAfterClose: false, opened: 4096 });
  });

  it('keeps the address range mapped until the last buffer over it is collected', () => {
    const path = files.file('finalizer.bin', pattern(40_000));
    const result = runChild(
      `import { openMap } from DIST;
      ${MAPS_HELPERS}
      const out = {};
      const path = process.argv[2];
      // 1. Nothing escaped: close() detaches the views, Node frees their backing
      //    stores, and the finalizer (run from an immediate) unmaps the range.
      {
        const map = openMap(path);
        const v = map.view();
        map.getUint8(0); // the internal buffer too
        const range = rangeOf(path);
        map.close();
        out.plain = { fileMappedAfterClose: rangeOf(path) !== undefined, rangeAfterClose: present(range) };
        await immediates();
        out.plain.rangeLater = present(range);
        out.plain.viewLength = v.length;
      }
      // 2. A chunk that a byte stream took keeps the (zeroed) range until it is collected.
      {
        const map = openMap(path);
        const range = rangeOf(path);
        let controller;
        const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
        controller.enqueue(map.view(0, 10));
        map.close();
        await immediates();
        gc();
        await immediates();
        const reader = stream.getReader();
        let { value } = await reader.read();
        out.escaped = { fileMapped: rangeOf(path) !== undefined, rangeWhileHeld: present(range), chunk: [...value] };
        value = undefined;
        reader.releaseLock();
        for (let i = 0; i < 5 && present(range); i++) { gc(); await immediates(); }
        out.escaped.rangeAfterCollect = present(range);
      }
      console.log(JSON.stringify(out));`,
      { args: [path], nodeFlags: ['--expose-gc'] },
    );
    expectClean(result);
    const out = lastJson(result);
    expect(out.plain).toEqual({ fileMappedAfterClose: false, rangeAfterClose: true, rangeLater: false, viewLength: 0 });
    expect(out.escaped).toEqual({
      fileMapped: false,
      rangeWhileHeld: true,
      chunk: Array(10).fill(0),
      rangeAfterCollect: false,
    });
  });

  it('a map collected without close() stays mapped while a view of it is reachable', () => {
    const bytes = pattern(30_000, 3);
    const path = files.file('collected.bin', bytes);
    const result = runChild(
      `import { openMap } from DIST;
      ${MAPS_HELPERS}
      const path = process.argv[2];
      let map = openMap(path, { access: 'write' });
      map.write(new Uint8Array([1, 2, 3]), 0);
      let view = map.view(0, 8);
      const range = rangeOf(path);
      map = undefined;
      for (let i = 0; i < 3; i++) { gc(); await immediates(); }
      const held = { mapped: present(range), bytes: [...view] };
      view = undefined;
      for (let i = 0; i < 5 && present(range); i++) { gc(); await immediates(); }
      console.log(JSON.stringify({ held, mappedAfter: present(range) }));`,
      { args: [path], nodeFlags: ['--expose-gc'] },
    );
    expectClean(result);
    const out = lastJson(result);
    expect(out.held).toEqual({ mapped: true, bytes: [1, 2, 3, ...bytes.subarray(3, 8)] });
    expect(out.mappedAfter).toBe(false);
    // A 'write' map collected without close() keeps its changes (they are in the page cache).
    expect([...readFileSync(path).subarray(0, 3)]).toEqual([1, 2, 3]);
  });
});

describe('process exit', () => {
  it('with maps, views, streams and flushes still open, exits cleanly', () => {
    const path = files.file('exit.bin', pattern(200_000));
    const result = runChild(
      `import { openMap } from DIST;
      const maps = [openMap(process.argv[2]), openMap(process.argv[2], { access: 'write' }), openMap(process.argv[2], { access: 'copy' })];
      const views = maps.map((m) => m.view());
      const streams = maps.map((m) => m.stream());
      await streams[0].getReader().read();
      maps[1].write('x', 0);
      maps[1].flushAsync();
      maps[2].close();
      console.log(JSON.stringify({ views: views.map((v) => v.length) }));`,
      { args: [path] },
    );
    expectClean(result);
    expect(lastJson(result).views).toEqual([200_000, 200_000, 0]);
  });
});
