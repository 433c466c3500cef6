/**
 * A Blob or File as a read-only page source: `blob.slice(a, b).arrayBuffer()` per read.
 * A File whose underlying file changed since it was picked (or since `fs.openAsBlob`)
 * cannot be read any more: browsers and Node reject with a NotReadableError, which is
 * reported as ERR_MMAP_SOURCE_CHANGED.
 */
import type { AsyncPageSource, PageSource } from '../types.js';
import { closed, invalidArgType, sourceChanged, sourceFailed } from '../errors.js';
import { readLength } from './read-range.js';

/** An async page source over a Blob; `requests` counts slices read, `bytesRead` their bytes. */
export interface BlobSource extends AsyncPageSource {
  readonly size: number;
  readonly requests: number;
  readonly bytesRead: number;
  readonly closed: boolean;
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

function readFailure(error: unknown): Error {
  if ((error as { name?: unknown })?.name === 'NotReadableError') return sourceChanged(undefined, 'the file behind the Blob changed');
  return sourceFailed(`reading the Blob failed: ${(error as Error)?.message ?? error}`, { cause: error });
}

/**
 * Maps `blob` read-only; the map closes the source, which drops the reference to the blob.
 * openMapAsync()'s `signal` and `timeout` are applied around it by guardedSource(), once.
 * @throws {MmapError} ERR_MMAP_CLOSED after close(), ERR_MMAP_SOURCE_CHANGED, ERR_MMAP_SOURCE_FAILED
 */
export function blobSource(blob: Blob): BlobSource {
  if (typeof Blob !== 'function' || !(blob instanceof Blob)) throw invalidArgType('blob', 'an instance of Blob', blob);
  const size = blob.size;
  let current: Blob | undefined = blob;
  let requests = 0;
  let bytesRead = 0;
  const stopped = (): Error | undefined => (current === undefined ? closed() : undefined);

  return {
    size,
    get requests() {
      return requests;
    },
    get bytesRead() {
      return bytesRead;
    },
    get closed() {
      return current === undefined;
    },
    async read(into, position) {
      const stop = stopped();
      if (stop) throw stop;
      const length = readLength(into, position, size);
      if (length === 0) return 0;
      requests++;
      let bytes: ArrayBuffer;
      try {
        bytes = await current!.slice(position, position + length).arrayBuffer();
      } catch (error) {
        throw stopped() ?? readFailure(error);
      }
      const after = stopped();
      if (after) throw after;
      if (bytes.byteLength !== length) throw sourceChanged(undefined, `a slice of ${length} bytes gave ${bytes.byteLength}`);
      into.set(new Uint8Array(bytes));
      bytesRead += length;
      return length;
    },
    async close() {
      current = undefined;
    },
  };
}

/** `FileReaderSync`, which only dedicated workers of browsers have. */
interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/** True where a Blob can be read synchronously (browser workers), so `blobSyncSource` works. */
export function hasFileReaderSync(): boolean {
  return typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync === 'function';
}

/**
 * The synchronous twin for browser workers (`FileReaderSync`), so `openMap` can map a
 * Blob there. Elsewhere use `blobSource`.
 * @throws {MmapError} ERR_MMAP_SOURCE_CHANGED, ERR_MMAP_SOURCE_FAILED from read()
 */
export function blobSyncSource(blob: Blob): PageSource {
  if (typeof Blob !== 'function' || !(blob instanceof Blob)) throw invalidArgType('blob', 'an instance of Blob', blob);
  const Reader = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
  if (Reader === undefined) throw invalidArgType('blob', 'readable synchronously (FileReaderSync: browser workers only)', blob);
  const reader = new Reader();
  const size = blob.size;
  return {
    size,
    read(into, position) {
      const length = readLength(into, position, size);
      if (length === 0) return 0;
      let bytes: ArrayBuffer;
      try {
        bytes = reader.readAsArrayBuffer(blob.slice(position, position + length));
      } catch (error) {
        throw readFailure(error);
      }
      if (bytes.byteLength !== length) throw sourceChanged(undefined, `a slice of ${length} bytes gave ${bytes.byteLength}`);
      into.set(new Uint8Array(bytes));
      return length;
    },
  };
}
