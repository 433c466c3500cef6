/**
 * stream(): a Web ReadableStream over a range of a map. It reads through a lease,
 * which keeps the map's storage readable after close() until the stream ends,
 * errors or is cancelled, and it enqueues copies, never views.
 */

/** A reader of a map's bytes that outlives close(); backends hand one out per stream. */
export interface Lease {
  /**
   * Copies bytes at `offset` into `target`; returns how many (fewer at the map's current end); asynchronous maps
   * return a Promise. `end`: where the reader stops (a stream's end), so that no read-ahead goes past it.
   */
  copyOut(offset: number, target: Uint8Array, end?: number): number | Promise<number>;
  /** The bytes at `offset` as a new array of at most `length` (fewer at the map's current end); `end` as for copyOut(). */
  readOut?(offset: number, length: number, end?: number): Uint8Array | Promise<Uint8Array>;
  /** Gives the storage back; idempotent. */
  release(): void;
}

/** Bytes per enqueued chunk: large enough to amortise a call, small enough to stream. */
export const STREAM_CHUNK = 64 * 1024;

/** A copy of the `wanted` bytes at `position` (fewer at the map's end), through readOut() where the lease has it. */
function readChunk(lease: Lease, position: number, wanted: number, end: number): Uint8Array | Promise<Uint8Array> {
  if (lease.readOut) return lease.readOut(position, wanted, end);
  const chunk = new Uint8Array(wanted);
  const copied = lease.copyOut(position, chunk, end);
  const part = (count: number) => (count === wanted ? chunk : chunk.subarray(0, count));
  return typeof copied === 'number' ? part(copied) : copied.then(part);
}

export function streamFrom(lease: Lease, offset: number, length: number): ReadableStream<Uint8Array> {
  let position = offset;
  const end = offset + length;
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      lease.release();
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const fail = (error: unknown) => {
          release();
          controller.error(error);
        };
        const wanted = Math.min(STREAM_CHUNK, end - position);
        const deliver = (chunk: Uint8Array) => {
          position += chunk.length;
          if (chunk.length > 0) controller.enqueue(chunk);
          if (chunk.length < wanted || position >= end) {
            release();
            controller.close();
          }
        };
        try {
          const chunk = wanted > 0 ? readChunk(lease, position, wanted, end) : new Uint8Array(0);
          if (chunk instanceof Uint8Array) deliver(chunk);
          else return chunk.then(deliver, fail);
        } catch (error) {
          fail(error);
        }
      },
      cancel() {
        release();
      },
    },
    { highWaterMark: 0 },
  );
}
