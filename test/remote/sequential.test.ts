/**
 * Issue 15 (remote sequential scans): pages of a read into the frames are usable as their
 * bytes land, a stream's read-ahead stops at the stream's end, and the detector's windows
 * keep reads under way ahead of the reader — against a real server.
 */
import { openMapAsync } from '../../src/entries/node.js';
import { KiB, MiB, data, same, server, slice, urlFor } from './remote-fixture.js';

/** A fetch whose bodies send `first` bytes and then hold the rest until `release()`. */
function gatedFetch(first: number) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let calls = 0;
  const gated: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (calls++ === 0 || response.body === null) return response; // the probe goes through
    const reader = response.body.getReader();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= first) await gate;
        const { done, value } = await reader.read();
        if (done) return controller.close();
        sent += value.length;
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: gated, release: () => open() };
}

describe('remote sequential reads', () => {
  it('a read waits only for its own pages of a long read-ahead, not for the whole window', async () => {
    const gated = gatedFetch(256 * KiB);
    await using map = await openMapAsync(urlFor(), { pageSize: 64 * KiB, maxResident: 8 * MiB, fetch: gated.fetch });
    map.advise('sequential'); // the next fault reads a whole window (2 MiB here) in one request
    server.reset();
    const early = await map.read(64 * KiB, 64 * KiB); // page 1: among the first bytes of the body, while the rest is held
    expect(same(early, slice(64 * KiB, 64 * KiB))).toBe(true);
    expect(server.requests).toHaveLength(1);
    const later = map.read(MiB, 4 * KiB); // in the same window: lands once the body goes on
    gated.release();
    expect(same(await later, slice(MiB, 4 * KiB))).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('an identity map read whole by a stream takes the resident fast path afterwards, pages that landed early included', async () => {
    // Found in review: when every page of the last read landed early, nothing recomputed that all
    // pages are resident, and locate()'s no-wasm-call case stayed off for the map's life.
    await using map = await openMapAsync(urlFor(), { pageSize: 64 * KiB, maxResident: 16 * MiB });
    for (const reader = map.stream().getReader(); !(await reader.read()).done; );
    expect(map.residency().residentBytes).toBe(data.length);
    const pager = (map as unknown as { pager: { identity: boolean; allResident: boolean } }).pager;
    expect(pager.identity).toBe(true);
    expect(pager.allResident).toBe(true);
    expect(same(await map.read(5 * MiB, 8), slice(5 * MiB, 8))).toBe(true);
  });

  it("a stream's read-ahead stops at the stream's end", async () => {
    await using map = await openMapAsync(urlFor(), { pageSize: 64 * KiB, maxResident: 8 * MiB });
    const length = 3 * MiB + 5;
    let got = 0;
    for (const reader = map.stream(0, length).getReader(); ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      expect(same(value, slice(got, value.length))).toBe(true);
      got += value.length;
    }
    expect(got).toBe(length);
    // every byte read lies in the pages the stream covers: the probe's page and the pages up to its end
    expect(map.stats().bytesRead).toBeLessThanOrEqual(Math.ceil(length / (64 * KiB)) * 64 * KiB);
  });

  it('a whole-object stream is right, stays within maxResident and reads each byte once', async () => {
    const maxResident = MiB;
    await using map = await openMapAsync(urlFor(), { pageSize: 16 * KiB, maxResident });
    const reader = map.stream().getReader();
    let got = 0;
    let peak = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      expect(same(value, slice(got, value.length))).toBe(true);
      got += value.length;
      peak = Math.max(peak, map.residency().residentBytes);
    }
    expect(got).toBe(data.length);
    expect(peak).toBeLessThanOrEqual(maxResident);
    expect(map.stats().bytesRead).toBe(data.length);
  });
});
