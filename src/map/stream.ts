/**
 * stream(): a Web ReadableStream over a range of a map. It reads through a lease,
 * which keeps the map's storage readable after close() until the stream ends,
 * errors or is cancelled, and it enqueues copies, never views.
 */

/** A reader of a map's bytes that outlives close(); backends hand one out per stream. */
export interface Lease {
  /** Copies bytes at `offset` into `target`; returns how many (fewer at the map's current end); asynchronous maps return a Promise. */
  copyOut(offset: number, target: Uint8Array): number | Promise<number>;
  /** Gives the storage back; idempotent. */
  release(): void;
}

/** Bytes per enqueued chunk: large enough to amortise a call, small enough to stream. */
export const STREAM_CHUNK = 64 * 1024;

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
        const chunk = new Uint8Array(wanted);
        const deliver = (copied: number) => {
          position += copied;
          if (copied > 0) controller.enqueue(copied === wanted ? chunk : chunk.subarray(0, copied));
          if (copied < wanted || position >= end) {
            release();
            controller.close();
          }
        };
        try {
          const copied = wanted > 0 ? lease.copyOut(position, chunk) : 0;
          if (typeof copied === 'number') deliver(copied);
          else return copied.then(deliver, fail);
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
