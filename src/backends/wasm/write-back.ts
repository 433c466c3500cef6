/**
 * The write-back queue of an asynchronous 'write' map. A dirty run is copied out
 * of its frames and queued, so the pager never waits to free a frame; writes
 * run one after another, so a page's later copy always lands after its earlier
 * one. Until its write completes, a queued copy is the newest version of its
 * pages: a fault reads them back from here, not from the source. A failed write
 * keeps its copy (nothing is lost) and is queued again by the next flush.
 */
import type { AsyncPageSource } from '../../types.js';
import { ignore, SourceWrite } from './source-io.js';

/** A copy of dirty pages [page, page + count), whole pages; `length` bytes of it go to the source. */
interface WriteBack {
  page: number;
  count: number;
  bytes: Uint8Array;
  length: number;
}

export class WriteBackQueue {
  private chain: Promise<void> = Promise.resolve();
  /** The latest copy of each page whose write has not completed. */
  private readonly unwritten = new Map<number, WriteBack>();
  private readonly failed = new Set<WriteBack>();

  constructor(
    private readonly source: AsyncPageSource,
    private readonly pageSize: number,
    /** Where page 0 lies in the source. */
    private readonly sourceOffset: number,
    private readonly counters: { requests: number; bytesWritten: number },
  ) {}

  /** Resolves once every write queued so far has been tried. */
  get settled(): Promise<void> {
    return this.chain;
  }

  /** The bytes of `page` still waiting to be written, if any. */
  newest(page: number): Uint8Array | undefined {
    const queued = this.unwritten.get(page);
    if (queued === undefined) return undefined;
    const from = (page - queued.page) * this.pageSize;
    return queued.bytes.subarray(from, from + this.pageSize);
  }

  /** The pages of [page, page + count) still waiting to be written, by index from `page`: they are newer than the source. */
  newestOf(page: number, count: number): [number, Uint8Array][] {
    const newer: [number, Uint8Array][] = [];
    for (let i = 0; i < count; i++) {
      const queued = this.newest(page + i);
      if (queued) newer.push([i, queued]);
    }
    return newer;
  }

  /** Queues `bytes` (whole pages from `page` on, `length` of them for the source); resolves once written. */
  queue(page: number, bytes: Uint8Array, length: number): Promise<void> {
    const queued: WriteBack = { page, count: bytes.length / this.pageSize, bytes, length };
    for (let i = 0; i < queued.count; i++) this.unwritten.set(page + i, queued);
    const written = this.chain.then(() => this.write(queued));
    this.chain = written.catch(ignore);
    return written;
  }

  private async write(queued: WriteBack): Promise<void> {
    const write = new SourceWrite(queued.bytes.subarray(0, queued.length), this.sourceOffset + queued.page * this.pageSize, this.counters);
    try {
      while (write.pending) write.wrote(await this.source.write!(write.target, write.position));
    } catch (error) {
      this.failed.add(queued);
      throw error;
    }
    write.finish();
    for (let i = 0; i < queued.count; i++) {
      if (this.unwritten.get(queued.page + i) === queued) this.unwritten.delete(queued.page + i);
    }
  }

  /** Queues the writes that failed again, for the pages they are still the latest copy of. */
  retryFailed(): Promise<void>[] {
    const retries: Promise<void>[] = [];
    for (const failed of this.failed) {
      this.failed.delete(failed);
      for (let i = 0; i < failed.count; ) {
        let count = 0;
        while (i + count < failed.count && this.unwritten.get(failed.page + i + count) === failed) count++;
        if (count > 0) {
          const from = i * this.pageSize;
          const length = Math.max(0, Math.min(count * this.pageSize, failed.length - from));
          retries.push(this.queue(failed.page + i, failed.bytes.subarray(from, from + count * this.pageSize), length));
        }
        i += Math.max(1, count);
      }
    }
    return retries;
  }
}
