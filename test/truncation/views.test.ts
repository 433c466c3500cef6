/**
 * What truncation leaves of a map's bytes. Native: loads through view() (and
 * typed arrays over it) past the new end read zeros, the process lives, and
 * the next call reports it; a store there never reaches the file. Every
 * backend: a 'write' map's changes inside the new end land, a changed page
 * straddling it writes only its part inside, flush() throws, close() does not,
 * and the file keeps its new size.
 */
import { readFileSync, statSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import { loadAddon } from '../../src/backends/native/addon.js';
import { pattern } from '../conformance/harness.js';
import { tempFiles } from '../helpers/temp-files.js';
import { truncateFromAnotherProcess } from '../helpers/truncate.js';
import { BACKENDS, codeOf } from './backends.js';

const files = tempFiles('truncation-views');
afterAll(() => files.cleanup());

const FILE_SIZE = 256 * 1024;
const NEW_SIZE = 64 * 1024;
const CONTENT = pattern(FILE_SIZE, 5);

function freshFile(): string {
  return files.file(`v-${Math.random().toString(36).slice(2)}.bin`, CONTENT);
}

describe.each(['read', 'write', 'copy'] as const)("native '%s' map: a view past the new end", (access) => {
  const caught = () => loadAddon().addon!.guardCaught();

  test('reads zeros, the process lives, and the next call throws ERR_MMAP_TRUNCATED', () => {
    const path = freshFile();
    const map = openMap(path, { backend: 'native', access, offset: 100 });
    const view = map.view();
    const words = new Uint32Array(view.buffer, view.byteOffset + 3900, 1000); // a typed array over it, aligned
    truncateFromAnotherProcess(path, NEW_SIZE);
    const before = caught();
    // bytes the file still holds are its bytes; the first touch of a missing page is caught
    expect(view[NEW_SIZE - 101]).toBe(CONTENT[NEW_SIZE - 1]);
    expect(view[NEW_SIZE - 100]).toBe(0);
    expect(view[FILE_SIZE - 101]).toBe(0);
    expect(words.every((w, i) => 3900 + 100 + 4 * i < NEW_SIZE || w === 0)).toBe(true);
    expect(caught()).toBeGreaterThan(before);
    expect(codeOf(() => map.getUint8(0))).toBe('ERR_MMAP_TRUNCATED');
    map.close();
    expect(statSync(path).size).toBe(NEW_SIZE);
  });

  test('takes a store that never reaches the file', () => {
    const path = freshFile();
    const map = openMap(path, { backend: 'native', access, offset: 0 });
    const view = map.view();
    truncateFromAnotherProcess(path, NEW_SIZE);
    // a 'read' map's pages are private copy-on-write (or shared read-only where the kernel refuses
    // those, and then a store faults by design): stores are only meaningful on the others
    if (access !== 'read') view.fill(0xab, NEW_SIZE + 10, NEW_SIZE + 5000);
    else expect(view[NEW_SIZE + 10]).toBe(0);
    map.close();
    expect(statSync(path).size).toBe(NEW_SIZE);
    truncateFromAnotherProcess(path, FILE_SIZE); // grown again: the hole reads zeros, not the store
    expect(readFileSync(path).subarray(NEW_SIZE, NEW_SIZE + 5010).every((b) => b === 0)).toBe(true);
  });
});

describe.each(BACKENDS)("%s 'write' map truncated under changes", (_name, options) => {
  /** Not page-aligned: one changed page holds the new end, and only its part before it goes to the file. */
  const cut = NEW_SIZE + 50;
  const straddle = new Uint8Array(200).fill(0x5c); // [NEW_SIZE - 100, NEW_SIZE + 100)
  const inside = new Uint8Array(64).fill(0x33); // well inside the new end
  const past = new Uint8Array(64).fill(0x77); // wholly past it

  function changed(): { map: ReturnType<typeof openMap>; path: string } {
    const path = freshFile();
    const map = openMap(path, { ...options, access: 'write' });
    map.write(straddle, NEW_SIZE - 100);
    map.write(inside, 1000);
    map.write(past, NEW_SIZE + 20_000);
    truncateFromAnotherProcess(path, cut);
    return { map, path };
  }

  function expectFileKeepsChangesInside(path: string): void {
    const expected = CONTENT.slice(0, cut);
    expected.set(inside, 1000);
    expected.set(straddle.subarray(0, 150), NEW_SIZE - 100);
    expect(statSync(path).size).toBe(cut);
    expect(Buffer.from(readFileSync(path))).toEqual(Buffer.from(expected));
  }

  test('close() writes what lies inside the new end, drops the rest, and does not throw', () => {
    const { map, path } = changed();
    map.close();
    expectFileKeepsChangesInside(path);
  });

  test('flush() writes the same, then throws ERR_MMAP_TRUNCATED; so does every later call', () => {
    const { map, path } = changed();
    expect(codeOf(() => map.flush())).toBe('ERR_MMAP_TRUNCATED');
    expectFileKeepsChangesInside(path);
    expect(codeOf(() => map.read(0, 1))).toBe('ERR_MMAP_TRUNCATED');
    expect(codeOf(() => map.flush())).toBe('ERR_MMAP_TRUNCATED');
    map.close();
    expectFileKeepsChangesInside(path);
  });
});
