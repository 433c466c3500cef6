/**
 * Whole transfers between frames and a page source, as both pagers make them:
 * a source may move fewer bytes than asked, so a transfer takes as many calls
 * as it needs. The rules (what is counted, where a read stops, what is zeroed,
 * when a write has failed) live here once; each pager drives the steps with
 * its own kind of call, the synchronous one directly and the asynchronous one
 * with `await`:
 *
 *     while (fill.pending) fill.got(source.read(fill.target, fill.position));
 */
import { sourceFailed } from '../../errors.js';

/** The pager's counters a transfer adds to. */
export interface TransferCounters {
  /** Every source call, reads and writes. */
  requests: number;
  /** Source reads alone. */
  reads: number;
  bytesRead: number;
  bytesWritten: number;
}

/** For a Promise nobody awaits: its rejection is reported elsewhere, or to nobody. */
export const ignore = (): undefined => undefined;

/**
 * Fills `into` from the source at `start`, never reading past the source's end
 * (`sourceSize`) and stopping at the first read that returns nothing; finish()
 * zeroes whatever the source did not have.
 */
export class SourceFill {
  private done = 0;
  private ended = false;
  private readonly readable: number;

  constructor(
    private readonly into: Uint8Array,
    private readonly start: number,
    sourceSize: number,
    private readonly counters: Pick<TransferCounters, 'requests' | 'reads' | 'bytesRead'>,
  ) {
    this.readable = Math.max(0, Math.min(into.length, sourceSize - start));
  }

  /** Whether another read is due. */
  get pending(): boolean {
    return !this.ended && this.done < this.readable;
  }

  /** The bytes the next read fills: `into` itself when that is all of it. */
  get target(): Uint8Array {
    return this.done === 0 && this.readable === this.into.length ? this.into : this.into.subarray(this.done, this.readable);
  }

  /** Where in the source the next read starts. */
  get position(): number {
    return this.start + this.done;
  }

  /** Counts a read that returned `count`; a count that is not positive ends the fill. */
  got(count: number): void {
    this.counters.requests++;
    this.counters.reads++;
    if (count > 0) this.done += count;
    else this.ended = true;
  }

  /**
   * The source ended before the bytes it had when the map was made: it shrank
   * (another process truncated the file). Meaningful once no read is pending.
   */
  get short(): boolean {
    return this.done < this.readable;
  }

  /** Counts the bytes read and zeroes the rest of `into`. */
  finish(): void {
    this.counters.bytesRead += this.done;
    if (this.done < this.into.length) this.into.fill(0, this.done);
  }
}

/** Writes all of `bytes` to the source at `start`; a write that moves nothing is a failure, not a reason to loop forever. */
export class SourceWrite {
  private done = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly counters: Pick<TransferCounters, 'requests' | 'bytesWritten'>,
  ) {}

  /** Whether another write is due. */
  get pending(): boolean {
    return this.done < this.bytes.length;
  }

  /** The bytes the next write takes. */
  get target(): Uint8Array {
    return this.bytes.subarray(this.done);
  }

  /** Where in the source the next write starts. */
  get position(): number {
    return this.start + this.done;
  }

  /**
   * Counts a write that returned `count`.
   * @throws {MmapError} ERR_MMAP_SOURCE_FAILED when it wrote nothing
   */
  wrote(count: number): void {
    this.counters.requests++;
    if (!(count > 0)) throw sourceFailed(`the page source wrote nothing at position ${this.position}`, {});
    this.done += count;
  }

  /** Counts the bytes written, once none is pending. */
  finish(): void {
    this.counters.bytesWritten += this.bytes.length;
  }
}
