/**
 * Streams read through a lease: they keep reading after close() until they end
 * or are cancelled, the last one to finish lets the mapping go, and a shrinking
 * resize() cuts them at the new end instead of letting them read past EOF.
 */
import { readFileSync } from 'node:fs';
import { openMap } from '../../src/entries/node.js';
import { STREAM_CHUNK } from '../../src/map/stream.js';
import { ensureAddon, expectBytes } from '../helpers/native-build.js';
import { tempFiles } from '../helpers/temp-files.js';
import { pattern } from '../conformance/harness.js';

const files = tempFiles('native');
beforeAll(ensureAddon);
afterAll(() => files.cleanup());

const mapped = (path: string) => readFileSync('/proc/self/maps', 'utf8').split('\n').some((line) => line.endsWith(` ${path}`));

/** Reads a stream to its end; `first` is a chunk already read. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, first?: Uint8Array): Promise<Buffer> {
  const chunks = first ? [first] : [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    chunks.push(value);
  }
}


describe('MemoryMap#stream() on the native backend', () => {
  it('outlives close(): it reads to the end, then the mapping goes', async () => {
    const bytes = pattern(5 * STREAM_CHUNK + 123);
    const path = files.file('outlive.bin', bytes);
    const map = openMap(path, { backend: 'native' });
    const reader = map.stream(100).getReader();
    const first = await reader.read();
    map.close();
    expect(map.closed).toBe(true);
    expect(() => map.read(0)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_CLOSED' }));
    expect(mapped(path)).toBe(true); // the stream's lease keeps the mapping
    expectBytes(await drain(reader, first.value), bytes.subarray(100));
    expect(mapped(path)).toBe(false);
  });

  it('cancelled after close(), lets the mapping go; two leases, the last one does', async () => {
    const path = files.file('cancel.bin', pattern(4 * STREAM_CHUNK));
    const map = openMap(path, { backend: 'native' });
    const a = map.stream().getReader();
    const b = map.stream().getReader();
    await a.read();
    map.close();
    await a.cancel();
    expect(mapped(path)).toBe(true);
    await b.read();
    await b.cancel();
    expect(mapped(path)).toBe(false);
  });

  it('stops at the new end when a resize() shrinks the map under it', async () => {
    const bytes = pattern(6 * STREAM_CHUNK);
    const path = files.file('shrink.bin', bytes);
    const map = openMap(path, { access: 'write', backend: 'native' });
    const reader = map.stream().getReader();
    const first = await reader.read();
    map.resize(STREAM_CHUNK + 1000);
    expectBytes(await drain(reader, first.value), bytes.subarray(0, STREAM_CHUNK + 1000));
    map.close();
    expect(readFileSync(path).length).toBe(STREAM_CHUNK + 1000);
  });

  it('reads what a resize() grew, and after resize(0) ends at once', async () => {
    const path = files.file('grow.bin', pattern(STREAM_CHUNK));
    const map = openMap(path, { access: 'write', backend: 'native' });
    const reader = map.stream().getReader();
    map.resize(0);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    map.resize(10);
    map.write('0123456789', 0);
    const grown = map.stream();
    map.close();
    expect((await drain(grown.getReader())).toString()).toBe('0123456789');
  });

  it('enqueues copies: a chunk does not change when the map does', async () => {
    const path = files.file('copies.bin', pattern(1000));
    using map = openMap(path, { access: 'write', backend: 'native' });
    const reader = map.stream().getReader();
    const { value } = await reader.read();
    map.fill(0);
    expect(value).toEqual(pattern(1000));
    await reader.cancel();
  });
});
