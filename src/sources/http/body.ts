/** A response body into a reader's buffer, and what the reader is told as it lands. */

/** An exchange's bytes copied so far, and who to tell as they land. */
export interface Progress {
  copied: number;
  landed?: (copied: number) => void;
}

/**
 * Copies a body into `target` as chunks arrive (one copy); true if the body was longer
 * than `target` (with `fillFirst`, `target` is filled first). Nothing is copied once `signal` aborted: a chunk that arrived just
 * before never lands in a buffer its reader gave up (it may be a frame by then).
 */
export async function copyBody(body: ReadableStream<Uint8Array> | null, target: Uint8Array, progress: Progress, signal: AbortSignal,
  fillFirst = false): Promise<boolean> {
  if (body === null) return false;
  const reader = body.getReader();
  // Stopping early cancels the body too: a caller's fetch may not stop it on abort.
  const stop = () => void reader.cancel().catch(() => undefined);
  for (;;) {
    const { done, value } = await reader.read();
    if (signal.aborted) {
      stop();
      throw signal.reason;
    }
    if (done) return false;
    const room = target.length - progress.copied;
    if (value.length > room) {
      if (fillFirst) target.set(value.subarray(0, room), progress.copied);
      if (fillFirst) progress.copied += room;
      stop();
      return true;
    }
    target.set(value, progress.copied);
    progress.copied += value.length;
    progress.landed?.(progress.copied);
  }
}
