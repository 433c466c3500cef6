/**
 * Every wasm map holds a pager instance, and an instance reserves an address range for
 * its WebAssembly memory. Maps closed while an abandoned stream still leases their
 * instance keep it until the collector takes the stream, so a synchronous loop of
 * openMap(), stream(), close() runs V8 out of instances after a few thousand. That
 * failure was a bare RangeError ("WebAssembly.Instance(): Out of memory", no `code`,
 * seen before this test's fix at 6,416 maps); it is the pager's ERR_MMAP_NO_MEMORY now,
 * the process lives, and after an event-loop turn maps open again.
 */
import { ensureBuilt, expectClean, lastJson, runChild } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';

const files = tempFiles('instances');
beforeAll(ensureBuilt);
afterAll(() => files.cleanup());

const CHILD = `
import { openMap } from DIST;
const [path] = process.argv.slice(2);
let opened = 0;
let error;
try {
  for (; opened < 200_000; opened++) {
    const map = openMap(path, { backend: 'wasm' });
    map.stream();
    map.close();
  }
} catch (e) {
  error = { code: e.code, name: e.name };
}
for (let i = 0; i < 5; i++) {
  globalThis.gc();
  await new Promise((resolve) => setImmediate(resolve));
}
const again = openMap(path, { backend: 'wasm' });
const bytes = Array.from(again.read(0, 4));
again.close();
console.log(JSON.stringify({ opened, error, bytes }));
`;

it('a loop of wasm maps with abandoned streams ends in ERR_MMAP_NO_MEMORY, not a bare RangeError; then maps open again', () => {
  const path = files.file('data.bin', Uint8Array.from([9, 8, 7, 6, 5]));
  const result = runChild(CHILD, { args: [path], nodeFlags: ['--expose-gc'], timeout: 120_000 });
  expectClean(result);
  const out = lastJson<{ opened: number; error: unknown; bytes: number[] }>(result);
  expect(out.error).toEqual({ code: 'ERR_MMAP_NO_MEMORY', name: 'MmapError' });
  expect(out.opened).toBeGreaterThan(100); // the instances that did fit
  expect(out.bytes).toEqual([9, 8, 7, 6]);
});
