/**
 * WasmMap against a plain Uint8Array model: random reads, writes, fills, moves,
 * searches, flushes, advice and resizes, in identity and windowed mode, with
 * small pages so that runs, faults and evictions cross page boundaries all the
 * time. Bytes and error codes must agree; the file must hold what flush() wrote.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMap } from '../../src/entries/node.js';
import type { Access, MapOptions, MemoryMap } from '../../src/types.js';
import { pattern } from '../conformance/harness.js';
import { expectBytes } from '../helpers/bytes.js';
import { rng } from '../helpers/random.js';

const PAGE = 4096;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

function indexIn(model: Uint8Array, needle: Uint8Array, start: number, end: number, last: boolean): number {
  if (start > end) return -1;
  const slice = Buffer.from(model.buffer, model.byteOffset + start, end - start);
  const found = last ? slice.lastIndexOf(needle) : slice.indexOf(needle);
  return found < 0 ? -1 : found + start;
}

interface Setup {
  name: string;
  options: MapOptions;
  access: Access;
  /** Bytes of the file before the map's offset and after its end, which must never change. */
  prefix: number;
  suffix: number;
}

const setups: Setup[] = [];
for (const access of ['write', 'copy', 'read'] as const) {
  setups.push({ name: `identity ${access}`, options: { pageSize: PAGE, maxResident: 64 * PAGE }, access, prefix: 0, suffix: 0 });
  setups.push({ name: `windowed 2 frames ${access}`, options: { pageSize: PAGE, maxResident: 2 * PAGE }, access, prefix: 0, suffix: 0 });
  setups.push({ name: `windowed 5 frames ${access}`, options: { pageSize: PAGE, maxResident: 5 * PAGE }, access, prefix: 0, suffix: 0 });
  setups.push({
    name: `windowed 4 frames at an odd offset ${access}`,
    options: { pageSize: PAGE, maxResident: 4 * PAGE },
    access,
    prefix: 1234,
    suffix: 777,
  });
}

describe('WasmMap against a Uint8Array model', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portable-mmap-model-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const setup of setups) {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      it(`agrees on 400 random calls (${setup.name}, seed ${seed})`, () => {
        runModel(dir, setup, seed);
      });
    }
  }
});

function runModel(dir: string, setup: Setup, seed: number): void {
  const random = rng(seed * 7919 + setup.name.length);
  const path = join(dir, `model-${setup.name.replace(/\W+/g, '-')}-${seed}.bin`);
  const mapped = random(12 * PAGE) + (seed === 1 ? 0 : 1);
  const original = pattern(setup.prefix + mapped + setup.suffix, seed);
  // a few repeated motifs so that searches find something across pages
  for (let i = 0; i < 20 && mapped > 64; i++) original.set(original.subarray(setup.prefix, setup.prefix + 16), setup.prefix + random(mapped - 16));
  writeFileSync(path, original);
  const options: MapOptions = { ...setup.options, backend: 'wasm', access: setup.access, offset: setup.prefix, length: mapped };
  let map: MemoryMap = openMap(path, options);
  let model = original.slice(setup.prefix, setup.prefix + mapped);
  const step = (label: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      throw new Error(`seed ${seed}, ${setup.name}, ${label}: ${(error as Error).message}`);
    }
  };
  const writable = setup.access !== 'read';

  for (let i = 0; i < 400; i++) {
    const length = model.length;
    const offset = random(length + 1);
    const count = random(length - offset + 1);
    const op = random(16);
    const label = `call ${i} (op ${op}, offset ${offset}, count ${count}, length ${length})`;
    step(label, () => {
      switch (op) {
        case 0: {
          const asked = count + random(3);
          expectBytes(map.read(offset, asked), model.subarray(offset, offset + asked));
          break;
        }
        case 1: {
          const target = new Uint8Array(count + 3);
          expect(map.readInto(target.subarray(1), offset)).toBe(Math.min(count + 2, length - offset));
          expectBytes(target.subarray(1, 1 + Math.min(count + 2, length - offset)), model.slice(offset, offset + count + 2));
          break;
        }
        case 2: {
          const data = pattern(Math.min(count, length - offset), i + seed);
          const code = codeOf(() => map.write(data, offset));
          if (!writable) expect(code).toBe('ERR_MMAP_READ_ONLY');
          else if (code === undefined) model.set(data, offset);
          else expect(code).toBe('ERR_MMAP_NO_MEMORY');
          break;
        }
        case 3: {
          const value = random(256);
          const code = codeOf(() => map.fill(value, offset, count));
          if (!writable) expect(code).toBe('ERR_MMAP_READ_ONLY');
          else if (code === undefined) model.fill(value, offset, offset + count);
          else expect(code).toBe('ERR_MMAP_NO_MEMORY');
          break;
        }
        case 4: {
          const src = random(length + 1);
          const n = random(length - Math.max(src, offset) + 1);
          const code = codeOf(() => map.move(offset, src, n));
          if (!writable) expect(code).toBe('ERR_MMAP_READ_ONLY');
          else if (code === undefined) model.copyWithin(offset, src, src + n);
          else expect(code).toBe('ERR_MMAP_NO_MEMORY');
          break;
        }
        case 5:
        case 6: {
          const needleStart = random(length + 1);
          const sizes = [1, 2, 3, 16, 100, PAGE + 5, 3 * PAGE, 16384 + 300];
          const size = sizes[random(sizes.length)];
          const needle = random(4) === 0 ? pattern(Math.min(size, 8), i) : model.slice(needleStart, needleStart + size);
          const end = offset + random(length - offset + 1);
          const last = op === 6;
          const got = last ? map.rfind(needle, offset, end) : map.find(needle, offset, end);
          expect(got).toBe(needle.length === 0 ? (last ? end : offset) : indexIn(model, needle, offset, end, last));
          break;
        }
        case 7: {
          if (length < 8) break;
          const at = random(length - 7);
          const dv = new DataView(model.buffer, model.byteOffset, model.byteLength);
          const le = random(2) === 0;
          expect(map.getFloat64(at, le)).toEqual(dv.getFloat64(at, le));
          expect(map.getUint32(at + 1, le)).toBe(dv.getUint32(at + 1, le));
          const value = random(2 ** 31);
          const code = codeOf(() => map.setUint32(at, value, le));
          if (!writable) expect(code).toBe('ERR_MMAP_READ_ONLY');
          else if (code === undefined) dv.setUint32(at, value, le);
          else expect(code).toBe('ERR_MMAP_NO_MEMORY');
          break;
        }
        case 8:
          map.flush(offset, count);
          if (setup.access === 'write') {
            const file = new Uint8Array(readFileSync(path));
            const inside = file.subarray(setup.prefix, setup.prefix + length);
            // eviction may have written other pages already; the flushed range must be there
            expectBytes(inside.subarray(offset, offset + count), model.subarray(offset, offset + count));
          }
          break;
        case 9:
          map.advise(random(2) === 0 ? 'dontneed' : 'willneed', offset, count);
          break;
        case 10:
          expect(map.at(offset)).toBe(model[offset]);
          break;
        case 11:
          if (map.stableViews) {
            const view = map.view(offset, count);
            expectBytes(view, model.subarray(offset, offset + count));
            if (count > 0 && writable) {
              view[0] = (view[0] + 1) & 0xff;
              model[offset] = view[0];
            }
          } else {
            expect(codeOf(() => map.view(offset, count))).toBe('ERR_MMAP_UNSTABLE_VIEW');
          }
          break;
        case 12: {
          if (setup.access !== 'write' || random(4) !== 0 || setup.suffix !== 0) break;
          const newLength = random(14 * PAGE);
          map.resize(newLength);
          const grown = new Uint8Array(newLength);
          grown.set(model.subarray(0, Math.min(newLength, length)));
          model = grown;
          expect(map.byteLength).toBe(newLength);
          expect(readFileSync(path).length).toBe(setup.prefix + newLength);
          break;
        }
        case 13: {
          const residency = map.residency();
          expect(residency.mappedBytes).toBe(length);
          expect(residency.residentBytes).toBeLessThanOrEqual(length);
          if (!map.stableViews) expect(residency.residentBytes).toBeLessThanOrEqual(setup.options.maxResident!);
          break;
        }
        case 14: {
          // a sequential scan from a page start, in page-multiple chunks (reads whole pages directly)
          const chunk = PAGE * (1 + random(3));
          const target = new Uint8Array(chunk);
          for (let at = Math.floor(offset / PAGE) * PAGE, n = 0; at < length && n < 6; at += chunk, n++) {
            const got = map.readInto(target, at);
            expectBytes(target.subarray(0, got), model.subarray(at, at + chunk));
          }
          break;
        }
        default: {
          const cursor = map.cursor(offset);
          const newline = model.indexOf(0x0a, offset);
          const stop = newline < 0 ? length : newline + 1;
          expectBytes(cursor.readLine(), model.slice(offset, stop));
        }
      }
    });
  }
  step('the whole map at the end', () => expectBytes(map.read(0), model));
  map.close();
  const file = new Uint8Array(readFileSync(path));
  step('the file after close()', () => {
    expectBytes(file.subarray(0, setup.prefix), original.subarray(0, setup.prefix));
    const inside = file.subarray(setup.prefix, setup.prefix + model.length);
    if (setup.access === 'write') expectBytes(inside, model);
    else expectBytes(inside, original.subarray(setup.prefix, setup.prefix + model.length));
    if (setup.suffix > 0) expectBytes(file.subarray(setup.prefix + model.length), original.subarray(setup.prefix + mapped));
  });
}
