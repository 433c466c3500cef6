/**
 * The budget of mappings (native-backend/src/mapping_budget_posix.c, issue 16 row 11):
 * maps closed while an abandoned stream or view still pins their region keep it until
 * the garbage collector takes those and Node-API runs the finalizers on a later
 * event-loop turn. A synchronous loop that does this tens of thousands of times used
 * to take every mapping the process may have (vm.max_map_count), and V8 died when it
 * needed one more (`std::bad_alloc` at ~65,000 maps, seen before the budget). Now
 * opening fails with ENOMEM at half the limit, the process lives, and one turn later
 * the regions are gone and maps open again.
 */
import { readFileSync } from 'node:fs';
import { runAbandonLoop } from '../helpers/abandon-loop.js';
import { ensureBuilt } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';

const files = tempFiles('budget');
beforeAll(ensureBuilt);
afterAll(() => files.cleanup());

const limitText = process.platform === 'linux' ? readFileSync('/proc/sys/vm/max_map_count', 'utf8') : '';
const maxMapCount = Number(limitText.trim());
// Past a million the loop would take minutes: such machines are not what this guards.
const runs = maxMapCount > 0 && maxMapCount <= 1_000_000;
const group = runs ? describe : describe.skip;
const title = runs ? `the budget of mappings (vm.max_map_count ${maxMapCount})`
  : 'the budget of mappings — skipped: needs Linux with vm.max_map_count ≤ 1,000,000';

group(title, () => {
  for (const kind of ['stream', 'view'] as const) {
    it(`abandoned ${kind}s of closed maps in one synchronous loop: ENOMEM at half the limit, then maps open again`, () => {
      const path = files.file(`${kind}.bin`, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
      const out = runAbandonLoop(path, 'native', kind);
      expect(out.error).toEqual({ code: 'ENOMEM', syscall: 'mmap', name: 'MmapError' });
      expect(out.opened).toBe(Math.floor(maxMapCount / 2));
      if (kind === 'stream') expect(out.grew).toBeGreaterThanOrEqual(out.opened); // one region each, held
      expect(out.after).toBeLessThan(1_000); // given back once the finalizers ran
      expect(out.bytes).toEqual([1, 2, 3, 4]);
    });
  }
});
