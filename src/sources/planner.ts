/**
 * Request planning (docs/remote.md, "Planning and concurrency"): the reads a
 * pager asks of its source during one tick are sorted and merged into one
 * source read where at most `mergeGap` bytes lie between them (the gap is read
 * and dropped), and no source read asks for more than `maxRequestBytes` (a
 * longer one is split). A read shared by several callers follows all their
 * signals and is aborted only once every one of them has aborted. The bound on
 * reads in flight is the source's own (the HTTP source's and the guard's
 * Limiter, set from `concurrency`): a split or merged read waits for its slot
 * there.
 *
 * Bytes land in a caller's buffer only before its read settles, so a source
 * that reads into frames may sit below (see loads.ts, readsIntoFrames).
 */
import type { AsyncPageSource } from '../types.js';
import type { ReadOptions } from './read-range.js';
import { followAll, SignalFanout, TickBatch } from './signals.js';

type Landed = (bytes: number) => void;

export interface PlanOptions {
  /** Largest gap between two reads that one source read spans (0: only adjacent reads merge). */
  mergeGap: number;
  /** Most bytes one source read asks for. */
  maxRequestBytes: number;
}

/** One read asked for, until it settles. */
interface Wanted {
  into: Uint8Array;
  position: number;
  signal: AbortSignal | undefined;
  /** Told how many bytes of `into` hold their final bytes, as they land (see ReadOptions). */
  landed: Landed | undefined;
  resolve(count: number): void;
  reject(error: unknown): void;
}

type Counted = AsyncPageSource & { readonly requests?: unknown; readonly bytesRead?: unknown; readonly cacheHits?: unknown };

/**
 * One view over the buffers of `group` (sorted by position, spanning [start, end)) when they
 * lie back to back in one ArrayBuffer as their positions do, no gap and no overlap; else undefined.
 */
function spanOf(group: Wanted[], start: number, end: number): Uint8Array | undefined {
  const first = group[0].into;
  let next = first.byteOffset;
  let position = start;
  for (const { into, position: at } of group) {
    if (into.buffer !== first.buffer || at !== position || into.byteOffset !== next) return undefined;
    position += into.length;
    next += into.length;
  }
  return position === end ? new Uint8Array(first.buffer, first.byteOffset, end - start) : undefined;
}

/** `inner` with its reads planned; counters of `inner` show through (or are counted here). */
export class PlannedSource implements AsyncPageSource {
  private readonly batch = new TickBatch<Wanted>((items) => this.plan(items));
  private calls = 0;
  private bytes = 0;
  write?: AsyncPageSource['write'];
  truncate?: AsyncPageSource['truncate'];
  sync?: AsyncPageSource['sync'];

  constructor(
    private readonly inner: Counted,
    private readonly options: PlanOptions,
  ) {
    // only what the source can do: a map checks for write() and truncate()
    if (inner.write) this.write = (from, position) => inner.write!(from, position);
    if (inner.truncate) this.truncate = (size) => inner.truncate!(size);
    if (inner.sync) this.sync = () => inner.sync!();
  }

  get size(): number {
    return this.inner.size;
  }

  /** Source requests: the source's own count where it keeps one (HTTP counts retries and the probe), else its reads. */
  get requests(): number {
    return typeof this.inner.requests === 'number' ? this.inner.requests : this.calls;
  }

  get bytesRead(): number {
    return typeof this.inner.bytesRead === 'number' ? this.inner.bytesRead : this.bytes;
  }

  read(into: Uint8Array, position: number, options?: ReadOptions): Promise<number> {
    return new Promise((resolve, reject) => this.batch.add({ into, position, signal: options?.signal, landed: options?.landed, resolve, reject }));
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Groups the tick's reads: sorted, merged across small gaps, each group at most maxRequestBytes long. */
  private plan(items: Wanted[]): void {
    const { mergeGap, maxRequestBytes } = this.options;
    items.sort((a, b) => a.position - b.position);
    let group: Wanted[] = [];
    let start = 0;
    let end = 0;
    for (const item of items) {
      const itemEnd = item.position + item.into.length;
      if (group.length > 0 && item.position - end <= mergeGap && Math.max(end, itemEnd) - start <= maxRequestBytes) {
        group.push(item);
        end = Math.max(end, itemEnd);
        continue;
      }
      if (group.length > 0) this.issue(group, start, end);
      group = [item];
      start = item.position;
      end = itemEnd;
    }
    if (group.length > 0) this.issue(group, start, end);
  }

  private issue(group: Wanted[], start: number, end: number): void {
    if (group.length === 1) {
      const [only] = group;
      this.readSplit(only.into, only.position, only.signal, only.landed).then(only.resolve, only.reject);
      return;
    }
    // Adjacent windows a read-ahead starts together usually sit in adjacent frames: then the
    // source reads into them in place, without a span buffer to allocate and copy out of.
    const inPlace = spanOf(group, start, end);
    const buffer = inPlace ?? new Uint8Array(end - start);
    const landed = inPlace && group.some((w) => w.landed) ? (bytes: number) => {
      for (const w of group) if (w.landed && bytes > w.position - start) w.landed(Math.min(w.into.length, bytes - (w.position - start)));
    } : undefined;
    this.counted(buffer, start, followAll(group.map((w) => w.signal)), landed).then(
      (count) => {
        for (const wanted of group) {
          const skip = wanted.position - start;
          const got = Math.max(0, Math.min(wanted.into.length, count - skip));
          if (got === 0) {
            // the source sent less than the span: this read asks again on its own (0 is its end)
            this.readSplit(wanted.into, wanted.position, wanted.signal, wanted.landed).then(wanted.resolve, wanted.reject);
            continue;
          }
          if (inPlace === undefined) wanted.into.set(buffer.subarray(skip, skip + got));
          wanted.resolve(got);
        }
      },
      (error: unknown) => group.forEach((wanted) => wanted.reject(error)),
    );
  }

  /**
   * One read, in pieces of at most maxRequestBytes read at once: returns the bytes
   * read contiguously from `position` (a short piece ends the count; the caller asks again).
   */
  private async readSplit(into: Uint8Array, position: number, signal: AbortSignal | undefined, landed?: Landed): Promise<number> {
    const max = this.options.maxRequestBytes;
    if (into.length <= max) return await this.counted(into, position, signal, landed);
    // One piece failing fails the read; the others are stopped and waited for before it
    // reports, so none writes into `into` (a pager's frames) after the read has settled.
    const stop = new AbortController();
    const { signal: pieceSignal, unlink } = new SignalFanout(stop.signal).child(signal);
    const pieces: Promise<number>[] = [];
    // only the first piece's bytes are a prefix of `into`: the others are not told of
    for (let at = 0; at < into.length; at += max) pieces.push(this.counted(into.subarray(at, at + max), position + at, pieceSignal, at === 0 ? landed : undefined));
    let counts: number[];
    try {
      counts = await Promise.all(pieces);
    } catch (error) {
      stop.abort(error);
      await Promise.allSettled(pieces);
      throw error;
    } finally {
      unlink();
    }
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      total += Math.max(0, counts[i]);
      if (counts[i] < Math.min(max, into.length - i * max)) break;
    }
    return total;
  }

  private async counted(into: Uint8Array, position: number, signal: AbortSignal | undefined, landed?: Landed): Promise<number> {
    this.calls++;
    const options = signal === undefined && landed === undefined ? undefined : landed === undefined ? { signal } : { signal, landed };
    const count = await this.inner.read(into, position, options);
    if (count > 0) this.bytes += count;
    return count;
  }
}
