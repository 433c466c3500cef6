import { randomFillSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobSource, blobSyncSource, hasFileReaderSync } from '../../src/sources/blob.js';
import { guardedSource } from '../../src/sources/guarded.js';

const bytes = randomFillSync(new Uint8Array(3 * 1024 * 1024 + 123));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portable-mmap-blob-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe('blobSource()', () => {
  it('reads ranges of a Blob, clipped at its end, counting slices and bytes', async () => {
    const source = blobSource(new Blob([bytes]));
    expect(source.size).toBe(bytes.length);
    const into = new Uint8Array(100_000);
    expect(await source.read(into, 1_000_000)).toBe(100_000);
    expect(same(into, bytes.subarray(1_000_000, 1_100_000))).toBe(true);
    expect(await source.read(into, bytes.length - 10)).toBe(10);
    expect(same(into.subarray(0, 10), bytes.subarray(bytes.length - 10))).toBe(true);
    expect(await source.read(into, bytes.length)).toBe(0);
    expect(source.requests).toBe(2);
    expect(source.bytesRead).toBe(100_010);
  });

  it('reads random ranges of a file opened with fs.openAsBlob', async () => {
    const path = join(dir, 'data.bin');
    writeFileSync(path, bytes);
    const source = blobSource(await openAsBlob(path));
    for (let i = 0; i < 50; i++) {
      const position = Math.floor(Math.random() * bytes.length);
      const into = new Uint8Array(1 + Math.floor(Math.random() * 300_000));
      const count = await source.read(into, position);
      expect(count).toBe(Math.min(into.length, bytes.length - position));
      expect(same(into.subarray(0, count), bytes.subarray(position, position + count))).toBe(true);
    }
  });

  it('reports a file changed since openAsBlob as ERR_MMAP_SOURCE_CHANGED', async () => {
    const path = join(dir, 'changing.bin');
    writeFileSync(path, bytes.subarray(0, 10_000));
    const source = blobSource(await openAsBlob(path));
    await source.read(new Uint8Array(100), 0);
    appendFileSync(path, 'more');
    await expect(source.read(new Uint8Array(100), 0)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
  });

  it('refuses positions outside [0, size] with ERR_OUT_OF_RANGE and reads after close() with ERR_MMAP_CLOSED', async () => {
    const source = blobSource(new Blob([bytes.subarray(0, 100)]));
    await expect(source.read(new Uint8Array(1), 101)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(source.read(new Uint8Array(1), -1)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(source.read(new Uint8Array(1), 0.5)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await source.close();
    expect(source.closed).toBe(true);
    await expect(source.read(new Uint8Array(1), 0)).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
  });

  it('rejects pending and later reads with an AbortError when the signal aborts, guarded as openMapAsync() does', async () => {
    const controller = new AbortController();
    const source = guardedSource(blobSource(new Blob([bytes])), { signal: controller.signal, maxInFlight: 6 });
    const pending = source.read(new Uint8Array(bytes.length), 0);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(source.read(new Uint8Array(1), 0)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses what is not a Blob with ERR_INVALID_ARG_TYPE', () => {
    expect(() => blobSource(new Uint8Array(4) as unknown as Blob)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('blobSyncSource()', () => {
  /** Node has no FileReaderSync; this stand-in reads the slices that a TrackedBlob records. */
  class TrackedBlob extends Blob {
    constructor(readonly data: Uint8Array<ArrayBuffer>) {
      super([data]);
    }
    override slice(start = 0, end = this.size): Blob {
      return new TrackedBlob(this.data.subarray(start, end));
    }
  }
  class FakeFileReaderSync {
    readAsArrayBuffer(blob: Blob): ArrayBuffer {
      return (blob as TrackedBlob).data.slice().buffer;
    }
  }

  afterEach(() => {
    delete (globalThis as { FileReaderSync?: unknown }).FileReaderSync;
  });

  it('is unavailable where FileReaderSync is missing', () => {
    expect(hasFileReaderSync()).toBe(false);
    expect(() => blobSyncSource(new Blob([bytes]))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('reads ranges synchronously through FileReaderSync, clipped at the end', () => {
    (globalThis as { FileReaderSync?: unknown }).FileReaderSync = FakeFileReaderSync;
    expect(hasFileReaderSync()).toBe(true);
    const source = blobSyncSource(new TrackedBlob(bytes));
    const into = new Uint8Array(5000);
    expect(source.read(into, 12_345)).toBe(5000);
    expect(same(into, bytes.subarray(12_345, 17_345))).toBe(true);
    expect(source.read(into, bytes.length - 3)).toBe(3);
    expect(source.read(into, bytes.length)).toBe(0);
    expect(() => source.read(into, bytes.length + 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('reports a NotReadableError as ERR_MMAP_SOURCE_CHANGED', () => {
    (globalThis as { FileReaderSync?: unknown }).FileReaderSync = class {
      readAsArrayBuffer(): ArrayBuffer {
        throw new DOMException('The file changed', 'NotReadableError');
      }
    };
    const source = blobSyncSource(new Blob([bytes]));
    expect(() => source.read(new Uint8Array(10), 0)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_SOURCE_CHANGED' }));
  });
});
