/** The pieces of the built-in caches alone: XXH32 against the reference vectors, the entry format, the LRU index. */
import { keyName, xxh32 } from '../../src/caches/checksum.js';
import { decodeEntry, encodeEntry, HEADER_BYTES } from '../../src/caches/entry.js';
import { LruIndex } from '../../src/caches/lru.js';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('xxh32()', () => {
  // Vectors from the xxHash reference implementation (xxhsum -H32) and its sanity tests.
  test.each([
    ['', 0, 0x02cc5d05],
    ['a', 0, 0x550d7456],
    ['abc', 0, 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0, 0xe2293b2f],
    ['', 0x9e3779b1, 0x36b78ae7],
  ])('xxh32(%j, %d) is the reference value', (text, seed, expected) => {
    expect(xxh32(ascii(text), seed)).toBe(expected);
  });

  test('every length up to 64 hashes differently from its neighbours (stripes and tails both count)', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 31 + 7) & 255);
    const seen = new Set<number>();
    for (let length = 0; length <= 64; length++) seen.add(xxh32(bytes.subarray(0, length)));
    expect(seen.size).toBe(65);
  });

  test('keyName() is 16 hex digits and differs for keys differing in one character', () => {
    expect(keyName('portable-mmap/1\nhttps://x/a\n"e"\n10\n65536\n0')).toMatch(/^[0-9a-f]{16}$/);
    expect(keyName('a\n1')).not.toBe(keyName('a\n2'));
  });
});

describe('cache entries', () => {
  const payload = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
  const key = 'portable-mmap/1\nhttps://example.test/x.bin\n"etag"\n1000\n4096\n0';

  test('an encoded entry decodes to its payload under its key', () => {
    const entry = encodeEntry(key, payload);
    const decoded = decodeEntry(key, entry);
    expect(decoded.kind).toBe('hit');
    expect(Buffer.from((decoded as { payload: Uint8Array }).payload).equals(Buffer.from(payload))).toBe(true);
  });

  test('under another key a sound entry is other-key, not a hit', () => {
    expect(decodeEntry(`${key}1`, encodeEntry(key, payload)).kind).toBe('other-key');
  });

  test('every flipped byte, every truncation and garbage read as corrupt; nothing throws', () => {
    const entry = encodeEntry(key, payload);
    for (let at = 0; at < entry.length; at++) {
      const bad = entry.slice();
      bad[at] ^= 0x20;
      const kind = decodeEntry(key, bad).kind;
      // A flip inside the key bytes still has the checksum to fail, so it is corrupt, never a hit.
      expect(kind).toBe('corrupt');
    }
    for (let length = 0; length < entry.length; length++) expect(decodeEntry(key, entry.subarray(0, length)).kind).toBe('corrupt');
    expect(decodeEntry(key, new Uint8Array(HEADER_BYTES + 5000).fill(0x41)).kind).toBe('corrupt');
    expect(decodeEntry(key, undefined).kind).toBe('corrupt');
    expect(decodeEntry(key, 'text').kind).toBe('corrupt');
  });
});

describe('LruIndex', () => {
  test('evicts least recently used first, by bytes; touching keeps an entry', () => {
    const index = new LruIndex(300);
    expect(index.add('a', 100)).toEqual([]);
    expect(index.add('b', 100)).toEqual([]);
    expect(index.add('c', 100)).toEqual([]);
    index.touch('a');
    expect(index.add('d', 150)).toEqual(['b', 'c']);
    expect(index.names()).toEqual(['a', 'd']);
    expect(index.byteLength).toBe(250);
  });

  test('re-adding a name replaces its size; removing frees it', () => {
    const index = new LruIndex(100);
    index.add('a', 60);
    index.add('a', 80);
    expect(index.byteLength).toBe(80);
    index.remove('a');
    expect(index.byteLength).toBe(0);
    expect(index.touch('a')).toBe(false);
  });
});
