/**
 * CPython's mmap as the oracle: the same file, the same find()/rfind() queries
 * (with start and end), the same answers; and each side sees the other's
 * writes through the shared page cache.
 */
import { spawnSync } from 'node:child_process';
import { openMap } from '../../src/entries/node.js';
import type { MemoryMap } from '../../src/types.js';
import { ensureAddon } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';

const files = tempFiles('native');
beforeAll(ensureAddon);
afterAll(() => files.cleanup());

function python(script: string, args: string[], input = ''): string {
  const result = spawnSync('python3', ['-c', script, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

interface Query {
  op: 'find' | 'rfind';
  needle: string; // hex
  start: number;
  end: number;
}

const ORACLE = `
import json, mmap, sys
queries = json.load(sys.stdin)
with open(sys.argv[1], 'rb') as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    answers = [(m.find if q['op'] == 'find' else m.rfind)(bytes.fromhex(q['needle']), q['start'], q['end']) for q in queries]
    m.close()
print(json.dumps(answers))
`;

/** A seeded generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function queries(data: Uint8Array, count: number, seed: number, alphabet: number[]): Query[] {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const out: Query[] = [];
  for (let i = 0; i < count; i++) {
    const length = int(10);
    let needle: Uint8Array;
    if (next() < 0.6 && length <= data.length) {
      const at = int(data.length - length + 1);
      needle = data.subarray(at, at + length); // present somewhere
    } else {
      needle = Uint8Array.from({ length }, () => alphabet[int(alphabet.length)]);
    }
    const whole = next() < 0.15;
    const a = int(data.length + 1);
    const b = int(data.length + 1);
    const [start, end] = whole ? [0, data.length] : next() < 0.1 ? [Math.max(a, b), Math.min(a, b)] : [Math.min(a, b), Math.max(a, b)];
    out.push({ op: next() < 0.5 ? 'find' : 'rfind', needle: Buffer.from(needle).toString('hex'), start, end });
  }
  return out;
}

function compare(map: MemoryMap, path: string, list: Query[]): void {
  const expected = JSON.parse(python(ORACLE, [path], JSON.stringify(list))) as number[];
  const actual = list.map((q) => map[q.op](Buffer.from(q.needle, 'hex'), q.start, q.end));
  const wrong = list.map((q, i) => ({ ...q, python: expected[i], ours: actual[i] })).filter((r) => r.python !== r.ours);
  expect(wrong.slice(0, 5)).toEqual([]);
}

describe('find() and rfind() agree with CPython mmap', () => {
  it('on a small alphabet, where matches are everywhere', () => {
    const next = random(42);
    const alphabet = [0x61, 0x62, 0x63, 0x0a];
    const data = Uint8Array.from({ length: 100_000 }, () => alphabet[Math.floor(next() * (next() < 0.99 ? 3 : 4))]);
    const path = files.file('alphabet.bin', data);
    using map = openMap(path, { backend: 'native' });
    compare(map, path, queries(data, 3000, 7, alphabet));
  });

  it("on long runs of one byte, where rfind's last-byte scan gives way to the linear search", () => {
    const data = new Uint8Array(300_000).fill(0x61);
    for (const at of [17, 1000, 150_000, 299_990]) data[at] = 0x62;
    const path = files.file('runs.bin', data);
    using map = openMap(path, { backend: 'native' });
    const needles = ['ba', 'baaaa', 'aaab', 'ab', 'a'.repeat(12) + 'b', 'b' + 'a'.repeat(40), 'bb', 'c', 'aaaa'];
    const list: Query[] = [];
    for (const text of needles) {
      const needle = Buffer.from(text).toString('hex');
      for (const [start, end] of [[0, 300_000], [0, 150_005], [18, 150_000], [1000, 1001], [151_000, 299_999]]) {
        list.push({ op: 'find', needle, start, end }, { op: 'rfind', needle, start, end });
      }
    }
    compare(map, path, [...list, ...queries(data, 500, 9, [0x61, 0x62])]);
  });
});

describe('maps and CPython share the page cache', () => {
  it("each side sees the other's writes at once, without a flush", () => {
    const path = files.file('shared.bin', new Uint8Array(64 * 1024));
    using ours = openMap(path, { access: 'write', backend: 'native' });
    using reader = openMap(path, { backend: 'native' });
    ours.write('from node', 5000);
    const seen = python(
      `import mmap, sys
with open(sys.argv[1], 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0)
    sys.stdout.write(m[5000:5009].decode())
    m[40000:40011] = b'from python'
    m.close()`,
      [path],
    );
    expect(seen).toBe('from node');
    expect(new TextDecoder().decode(ours.read(40000, 11))).toBe('from python');
    expect(new TextDecoder().decode(reader.read(40000, 11))).toBe('from python');
    expect(reader.find('from python')).toBe(40000);
  });
});
