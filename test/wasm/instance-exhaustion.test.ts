/**
 * Every wasm map holds a pager instance, and an instance reserves an address range for
 * its WebAssembly memory. Maps closed while an abandoned stream still leases their
 * instance keep it until the collector takes the stream, so a synchronous loop of
 * openMap(), stream(), close() runs V8 out of instances after a few thousand. That
 * failure was a bare RangeError ("WebAssembly.Instance(): Out of memory", no `code`,
 * seen before this test's fix at 6,416 maps); it is the pager's ERR_MMAP_NO_MEMORY now,
 * the process lives, and after an event-loop turn maps open again.
 */
import { runAbandonLoop } from '../helpers/abandon-loop.js';
import { ensureBuilt } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';

const files = tempFiles('instances');
beforeAll(ensureBuilt);
afterAll(() => files.cleanup());

it('a loop of wasm maps with abandoned streams ends in ERR_MMAP_NO_MEMORY, not a bare RangeError; then maps open again', () => {
  const path = files.file('data.bin', Uint8Array.from([9, 8, 7, 6, 5]));
  const out = runAbandonLoop(path, 'wasm', 'stream');
  expect(out.error).toEqual({ code: 'ERR_MMAP_NO_MEMORY', name: 'MmapError' });
  expect(out.opened).toBeGreaterThan(100); // the instances that did fit
  expect(out.bytes).toEqual([9, 8, 7, 6]);
});
