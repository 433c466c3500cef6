/** The async pager's read-ahead windows (src/backends/wasm/read-ahead-windows.ts) against a fake pager. */
import { ReadAheadWindows, type ReadAheadHost } from '../../src/backends/wasm/read-ahead-windows.js';

const pageSize = 64 * 1024;
const MiB = 1024 * 1024;

/** A pager with `frames` free frames and `pages` pages; reads ahead are recorded, never completed. */
function fakeHost(pages: number, frames: number) {
  const reads: [number, number][] = [];
  const loading = new Set<number>();
  const host: ReadAheadHost & { reads: typeof reads } = {
    reads,
    get readsUnderWay() {
      return reads.length;
    },
    unpinnedFrames: () => frames,
    faultCap: () => frames >> 1,
    isMissing: (page) => page < pages && !loading.has(page),
    prefetch(page, want) {
      const count = Math.min(want, pages - page);
      for (let i = 0; i < count; i++) loading.add(page + i);
      reads.push([page, count]);
      return count;
    },
  };
  return host;
}

describe('ReadAheadWindows', () => {
  it('keeps a window read ahead of the reader, each window its own trigger, at most a quarter of the frames', () => {
    const host = fakeHost(10_000, 512); // 32 MiB of 64 KiB frames: windows of at most 128 pages
    const windows = new ReadAheadWindows(host, pageSize, 32 * MiB, 10_000);
    windows.advise('sequential');
    windows.setTrigger(1, 129); // a fault read pages 0–128
    windows.touched(1, 1);
    expect(host.reads).toEqual([[129, 128]]);
    expect(windows.isTrigger(129)).toBe(true);
    windows.touched(100, 128); // no trigger among these pages: nothing starts
    expect(host.reads).toHaveLength(1);
    windows.touched(129, 129); // the reader enters the window read ahead: the next one starts
    expect(host.reads).toEqual([[129, 128], [257, 128]]);
    expect(windows.isTrigger(129)).toBe(false);
    expect(windows.isTrigger(257)).toBe(true);
  });

  it('reads nothing ahead past `limit`, the end of the stream that faults', () => {
    const host = fakeHost(10_000, 512);
    const windows = new ReadAheadWindows(host, pageSize, 32 * MiB, 10_000);
    windows.advise('sequential');
    windows.limit = 200;
    expect(windows.grant(0, 1)).toBe(128);
    expect(windows.grant(150, 1)).toBe(49); // up to page 199
    expect(windows.grant(199, 1)).toBe(0);
    windows.setTrigger(1, 129);
    windows.touched(1, 1);
    expect(host.reads).toEqual([[129, 71]]); // pages 129–199, and no window from 200 on
  });

  it("gives a stream's reads the largest window from the first fault, within its end, unless advised 'random'", () => {
    const host = fakeHost(10_000, 512);
    const windows = new ReadAheadWindows(host, pageSize, 32 * MiB, 10_000);
    let granted = -1;
    windows.streaming(1000 * pageSize, () => ((granted = windows.grant(0, 1)), true))();
    expect(granted).toBe(128); // not 0: a stream reads on to its end
    expect(windows.grant(5000, 1)).toBe(0); // outside a stream's read: the detector's first fault
    windows.streaming(10 * pageSize, () => ((granted = windows.grant(3000, 1)), true))();
    expect(granted).toBe(0); // past the stream's end
    windows.advise('random');
    windows.streaming(1000 * pageSize, () => ((granted = windows.grant(0, 1)), true))();
    expect(granted).toBe(0);
  });
});
