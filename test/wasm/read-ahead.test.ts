import { maxReadAheadPages, ReadAhead } from '../../src/backends/wasm/read-ahead.js';

/** Faults like a map scanning pages 0.. in order: each fault starts where the last fetch ended. */
function scan(detector: ReadAhead, faults: number, start = 0): number[] {
  const windows: number[] = [];
  let page = start;
  for (let i = 0; i < faults; i++) {
    const ahead = detector.next(page, 1);
    windows.push(ahead);
    page += 1 + ahead;
  }
  return windows;
}

describe('ReadAhead', () => {
  it('gives a first fault no read-ahead', () => {
    expect(new ReadAhead({ maxPages: 64 }).next(10, 1)).toBe(0);
  });

  it('doubles the window on sequential faults, up to maxPages', () => {
    expect(scan(new ReadAhead({ maxPages: 16 }), 9)).toEqual([0, 1, 2, 4, 8, 16, 16, 16, 16]);
  });

  it('counts a fault that skips at most gapPages past the stream as sequential', () => {
    const detector = new ReadAhead({ maxPages: 8, gapPages: 2 });
    detector.next(0, 1);
    expect(detector.next(3, 1)).toBe(1); // pages 1 and 2 skipped
    expect(detector.next(8, 1)).toBe(0); // 3 pages past the stream's end (5): a new stream
  });

  it('counts a fault inside what a stream read ahead as sequential (pages evicted before use)', () => {
    const detector = new ReadAhead({ maxPages: 8 });
    scan(detector, 4); // faults at 0, 1, 3, 6 with windows 0, 1, 2, 4: fetched up to page 10
    expect(detector.streams[0]).toEqual({ start: 6, end: 11, window: 4 });
    expect(detector.next(8, 1)).toBe(8);
  });

  it('does not treat a repeat of the same fault as progress', () => {
    const detector = new ReadAhead({ maxPages: 8 });
    detector.next(5, 1);
    expect(detector.next(5, 1)).toBe(0);
    expect(detector.next(5, 1)).toBe(0);
  });

  it('shrinks back to no read-ahead once random faults have replaced every stream', () => {
    const detector = new ReadAhead({ maxPages: 32, streams: 2 });
    const windows = scan(detector, 5); // 0, 1, 2, 4, 8: fetched up to page 19
    expect(windows).toEqual([0, 1, 2, 4, 8]);
    expect(detector.next(1000, 1)).toBe(0);
    expect(detector.next(500, 1)).toBe(0);
    expect(detector.streams.map((s) => s.start)).toEqual([500, 1000]);
    expect(detector.next(20, 1)).toBe(0); // the scan's stream is gone: start again
    expect(detector.next(21, 1)).toBe(1);
  });

  it('follows several interleaved streams independently', () => {
    const detector = new ReadAhead({ maxPages: 64, streams: 3 });
    const heads = [0, 1000, 5000];
    const windows: number[][] = [[], [], []];
    for (let round = 0; round < 5; round++) {
      heads.forEach((page, i) => {
        const ahead = detector.next(page, 1);
        windows[i]!.push(ahead);
        heads[i] = page + 1 + ahead;
      });
    }
    for (const w of windows) expect(w).toEqual([0, 1, 2, 4, 8]);
  });

  it('forgets the least recently used stream when a new one starts', () => {
    const detector = new ReadAhead({ maxPages: 64, streams: 2 });
    scan(detector, 3, 0); // stream A grows to window 2, ends at page 6
    scan(detector, 3, 100); // stream B
    detector.next(200, 1); // stream C replaces A (the least recently used)
    expect(detector.next(6, 1)).toBe(0);
    expect(detector.streams).toHaveLength(2);
  });

  it('handles runs of several pages', () => {
    const detector = new ReadAhead({ maxPages: 8 });
    expect(detector.next(0, 4)).toBe(0);
    expect(detector.next(4, 4)).toBe(1);
    expect(detector.next(9, 2)).toBe(2);
  });

  it('never reads ahead past pageCount, and keeps learning there', () => {
    const detector = new ReadAhead({ maxPages: 16, pageCount: 10 });
    expect(scan(detector, 4)).toEqual([0, 1, 2, 3]); // pages 0, 1-2, 3-5, 6-8(+9 clipped to 3)
    expect(detector.streams[0]!.end).toBe(10);
    detector.pageCount = 100;
    expect(detector.next(10, 1)).toBe(8);
  });

  it("turns read-ahead off after advise('random') and to the largest window after advise('sequential')", () => {
    const detector = new ReadAhead({ maxPages: 16 });
    detector.advise('random');
    expect(scan(detector, 4)).toEqual([0, 0, 0, 0]);
    detector.advise('sequential');
    expect(detector.next(500, 1)).toBe(16);
    detector.advise('normal');
    expect(scan(detector, 3)).toEqual([0, 1, 2]);
  });

  it('reads nothing ahead with maxPages 0', () => {
    expect(scan(new ReadAhead({ maxPages: 0 }), 5)).toEqual([0, 0, 0, 0, 0]);
  });

  it('reset() forgets every stream', () => {
    const detector = new ReadAhead({ maxPages: 16 });
    scan(detector, 4);
    detector.reset();
    expect(detector.streams).toEqual([]);
    expect(detector.next(15, 1)).toBe(0);
  });

  it('refuses counts that are not non-negative integers with ERR_OUT_OF_RANGE', () => {
    expect(() => new ReadAhead({ maxPages: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => new ReadAhead({ maxPages: 4, streams: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    const detector = new ReadAhead({ maxPages: 4 });
    expect(() => detector.next(1.5, 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => detector.next(0, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('maxReadAheadPages()', () => {
  it('caps read-ahead by the byte budget and by a quarter of maxResident', () => {
    expect(maxReadAheadPages(65536, 256 * 1024 * 1024)).toBe(64); // 4 MiB / 64 KiB
    expect(maxReadAheadPages(65536, 4 * 1024 * 1024)).toBe(16); // 1 MiB / 64 KiB
    expect(maxReadAheadPages(65536, 256 * 1024 * 1024, 1 << 20)).toBe(16);
    expect(maxReadAheadPages(16 * 1024 * 1024, 32 * 1024 * 1024)).toBe(0);
  });
});
