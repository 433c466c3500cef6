/**
 * Issue 14 ("Remote maps for real traffic"): request planning against a real server —
 * a tick's misses merged across mergeGap, split at maxRequestBytes, at most `concurrency`
 * requests in flight, and per-call { signal } cancelling only what nobody waits for.
 */
import { openMapAsync, type AsyncMemoryMap } from '../../src/entries/node.js';
import { ensureBuilt, expectClean, lastJson, runChildAsync } from '../helpers/native-build.js';
import { KiB, MiB, data, rangeOf, ranges, same, server, slice, urlFor, waitUntil } from './remote-fixture.js';

const pageSize = 16 * KiB;
const page = (index: number) => index * pageSize;

describe('request planning: mergeGap', () => {
  it('merges 50 scattered 16 KiB reads of one tick, each a page apart, into one Range request', async () => {
    await using map = await openMapAsync(urlFor(), { pageSize });
    map.advise('random'); // no read-ahead: the request is exactly the pages asked for and the gaps
    server.reset();
    const pages = Array.from({ length: 50 }, (_, i) => 2 + 2 * i); // pages 2, 4, …, 100: gaps of one page = mergeGap
    const results = await Promise.all(pages.map((p) => map.read(page(p), pageSize)));
    results.forEach((bytes, i) => expect(same(bytes, slice(page(pages[i]!), pageSize))).toBe(true));
    expect(ranges()).toEqual([rangeOf(page(2), page(101))]);
  });

  it('with the default advice, the merged request only grows by read-ahead past the last page asked for', async () => {
    await using map = await openMapAsync(urlFor(), { pageSize });
    server.reset();
    const pages = Array.from({ length: 50 }, (_, i) => 2 + 2 * i);
    const results = await Promise.all(pages.map((p) => map.read(page(p), pageSize)));
    results.forEach((bytes, i) => expect(same(bytes, slice(page(pages[i]!), pageSize))).toBe(true));
    expect(server.requests).toHaveLength(1);
    const [first, last] = /^bytes=(\d+)-(\d+)$/.exec(ranges()[0] ?? '')!.slice(1).map(Number) as [number, number];
    expect(first).toBe(page(2));
    expect(last).toBeGreaterThanOrEqual(page(101) - 1);
    expect((last + 1) % pageSize).toBe(0);
  });

  it('merges unaligned reads across gaps up to mergeGap and no further', async () => {
    const mergeGap = 3 * pageSize;
    await using map = await openMapAsync(urlFor(), { pageSize, mergeGap });
    map.advise('random');
    server.reset();
    // reads touching pages 10-11, 14, 18-19 (gaps of 2 and 3 pages: merged), then 30 (a gap of 10: apart)
    const reads: [number, number][] = [[page(10) + 5, pageSize], [page(14) + 100, 200], [page(18) + 7, pageSize + 9], [page(30), 1]];
    const results = await Promise.all(reads.map(([offset, length]) => map.read(offset, length)));
    results.forEach((bytes, i) => expect(same(bytes, slice(...reads[i]!))).toBe(true));
    expect(ranges()).toEqual([rangeOf(page(10), page(20)), rangeOf(page(30), page(31))]);
  });

  it('with mergeGap 0 sends one request per run of adjacent pages', async () => {
    await using map = await openMapAsync(urlFor(), { pageSize, mergeGap: 0 });
    map.advise('random');
    server.reset();
    const pages = Array.from({ length: 20 }, (_, i) => 2 + 2 * i);
    // two separate calls for adjacent pages 200 and 201 meet in one request
    const calls = [...pages.map((p) => map.read(page(p), pageSize)), map.read(page(200), pageSize), map.read(page(201), 10)];
    const results = await Promise.all(calls);
    results.slice(0, pages.length).forEach((bytes, i) => expect(same(bytes, slice(page(pages[i]!), pageSize))).toBe(true));
    expect(same(results[pages.length]!, slice(page(200), pageSize))).toBe(true);
    expect(same(results[pages.length + 1]!, slice(page(201), 10))).toBe(true);
    const expected = [...pages.map((p) => rangeOf(page(p), page(p + 1))), rangeOf(page(200), page(202))];
    expect([...ranges()].sort()).toEqual([...expected].sort());
  });
});

describe('request planning: maxRequestBytes', () => {
  it('splits a long read so that no Range asks for more than maxRequestBytes', async () => {
    const maxRequestBytes = 4 * pageSize;
    await using map = await openMapAsync(urlFor(), { pageSize, maxRequestBytes });
    server.reset();
    const offset = MiB + 123;
    expect(same(await map.read(offset, 2 * MiB), slice(offset, 2 * MiB))).toBe(true);
    const spans = ranges().map((range) => /^bytes=(\d+)-(\d+)$/.exec(range ?? '')!.slice(1).map(Number) as [number, number]);
    for (const [first, last] of spans) expect(last - first + 1).toBeLessThanOrEqual(maxRequestBytes);
    // together they cover the pages read, each byte once
    const sorted = spans.sort((a, b) => a[0] - b[0]);
    expect(sorted[0]![0]).toBe(page(Math.floor(offset / pageSize)));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0]).toBe(sorted[i - 1]![1] + 1);
    expect(sorted.at(-1)![1]).toBeGreaterThanOrEqual(offset + 2 * MiB - 1);
  });

  it('splits merged reads of one tick at maxRequestBytes too', async () => {
    const maxRequestBytes = 8 * pageSize;
    await using map = await openMapAsync(urlFor(), { pageSize, maxRequestBytes });
    server.reset();
    const pages = Array.from({ length: 30 }, (_, i) => 2 + 2 * i);
    const results = await Promise.all(pages.map((p) => map.read(page(p), pageSize)));
    results.forEach((bytes, i) => expect(same(bytes, slice(page(pages[i]!), pageSize))).toBe(true));
    for (const range of ranges()) {
      const [first, last] = /^bytes=(\d+)-(\d+)$/.exec(range ?? '')!.slice(1).map(Number) as [number, number];
      expect(last - first + 1).toBeLessThanOrEqual(maxRequestBytes);
    }
    expect(server.requests.length).toBeLessThan(pages.length);
  });
});

describe('request planning: concurrency', () => {
  it.each([1, 3, 6])('keeps exactly concurrency=%i requests in flight under enough demand, never more', async (concurrency) => {
    const url = urlFor({ bodyDelay: 40, chunk: 4 * KiB });
    await using map = await openMapAsync(url, { pageSize, concurrency, mergeGap: 0 });
    map.advise('random');
    server.reset();
    const pages = Array.from({ length: 2 * concurrency + 4 }, (_, i) => 3 + 3 * i);
    const results = await Promise.all(pages.map((p) => map.read(page(p), 8 * KiB)));
    results.forEach((bytes, i) => expect(same(bytes, slice(page(pages[i]!), 8 * KiB))).toBe(true));
    expect(server.requests).toHaveLength(pages.length);
    expect(server.maxInFlight).toBe(concurrency);
  });
});

/** A URL whose bodies after the probe take ~2 s (16 KiB pages in 1 KiB chunks, 120 ms apart). */
const slowUrl = () => urlFor({ bodyDelay: 120, chunk: KiB });
/** The requests after the probe (the slow ones: the server counts from the probe, so it is not reset). */
const reads = () => server.requests.slice(1);

type Call = (map: AsyncMemoryMap, offset: number, signal: AbortSignal) => Promise<unknown>;
const calls: [string, Call][] = [
  ['read', (map, offset, signal) => map.read(offset, 100, { signal })],
  ['readInto', (map, offset, signal) => map.readInto(new Uint8Array(100), offset, { signal })],
  ['load', (map, offset, signal) => map.load(offset, 100, { signal })],
  ['find', (map, offset, signal) => map.find(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), offset, offset + pageSize, { signal })],
  ['rfind', (map, offset, signal) => map.rfind(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), offset, offset + pageSize, { signal })],
];

describe('per-call { signal }', () => {
  it.each(calls)('%s(): aborting rejects with an AbortError at once and cancels the request nobody else waits for', async (_, call) => {
    await using map = await openMapAsync(slowUrl(), { pageSize });
    const controller = new AbortController();
    const pending = call(map, page(40), controller.signal);
    await waitUntil(() => reads().length === 1 && reads()[0]!.bytesSent > 0);
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(100);
    await waitUntil(() => reads()[0]!.aborted);
    expect(reads()[0]!.completed).toBe(false);
  });

  it.each(calls)('%s(): an already-aborted signal rejects without any request', async (_, call) => {
    await using map = await openMapAsync(urlFor(), { pageSize });
    server.reset();
    await expect(call(map, page(40), AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests).toHaveLength(0);
  });

  it('a request that another call still waits for completes, and that call gets the right bytes', async () => {
    await using map = await openMapAsync(slowUrl(), { pageSize });
    const controller = new AbortController();
    const keeper = new AbortController();
    const abandoned = map.read(page(40), 500, { signal: controller.signal });
    const kept = map.read(page(40) + 1000, 2000, { signal: keeper.signal });
    const unsignalled = map.read(page(40) + 5000, 10);
    await waitUntil(() => reads().length === 1 && reads()[0]!.bytesSent > 0);
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    expect(same(await kept, slice(page(40) + 1000, 2000))).toBe(true);
    expect(same(await unsignalled, slice(page(40) + 5000, 10))).toBe(true);
    expect(reads()).toHaveLength(1);
    expect(reads()[0]).toMatchObject({ completed: true, aborted: false, range: rangeOf(page(40), page(41)) });
  });

  it('a request whose every waiter aborted is cancelled, and a later read fetches the page again', async () => {
    await using map = await openMapAsync(slowUrl(), { pageSize });
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const pending = controllers.map((c, i) => map.read(page(40) + i * 100, 100, { signal: c.signal }));
    await waitUntil(() => reads().length === 1 && reads()[0]!.bytesSent > 0);
    controllers[0]!.abort();
    controllers[1]!.abort();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(reads()[0]!.aborted).toBe(false); // one call still waits
    controllers[2]!.abort();
    for (const p of pending) await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await waitUntil(() => reads()[0]!.aborted);
    const again = await map.read(page(40) + 50, 3000);
    expect(same(again, slice(page(40) + 50, 3000))).toBe(true);
    expect(reads()).toHaveLength(2);
    expect(reads()[1]).toMatchObject({ completed: true, range: rangeOf(page(40), page(41)) });
  });
});

/**
 * Run in a child node: jest's sandbox never hears process 'warning' events (its own
 * check below fails to see one for an AbortSignal given 11 listeners), so the reads run
 * where the warning would be printed, against this file's server.
 */
const MANY_SIGNALS = `
import { openMapAsync } from DIST;
const [url, mode] = process.argv.slice(2);
const warnings = [];
process.on('warning', (w) => warnings.push({ name: w.name, message: w.message, stack: w.stack }));
const control = new AbortController().signal;
if (mode === 'control') for (let i = 0; i < 11; i++) control.addEventListener('abort', () => {});
await new Promise((resolve) => setImmediate(resolve));
if (mode === 'control') console.log(JSON.stringify({ warnings })), process.exit(0);
const map = await openMapAsync(url, { pageSize: 16384, mergeGap: 0 });
map.advise('random');
const shared = new AbortController().signal;
const offsets = Array.from({ length: 200 }, (_, i) => (3 + 2 * i) * 16384 + 17);
const signal = () => (mode === 'shared' ? shared : mode === 'none' ? undefined : new AbortController().signal);
const reads = await Promise.all(offsets.map((offset) => map.read(offset, 1000, { signal: signal() })));
await map.close();
await new Promise((resolve) => setImmediate(resolve));
console.log(JSON.stringify({ read: reads.reduce((n, r) => n + r.length, 0), warnings }));
`;

describe('per-call { signal } at scale', () => {
  beforeAll(() => ensureBuilt());

  it.each([
    ['a signal of its own', 'own'],
    ['one signal shared by all', 'shared'],
    ['no signal', 'none'],
  ])('200 concurrent reads with %s print no MaxListenersExceededWarning', async (_, mode) => {
    const result = await runChildAsync(MANY_SIGNALS, { args: [urlFor({ delay: 5 }), mode] });
    expectClean(result);
    const { read, warnings } = lastJson<{ read: number; warnings: { name: string; message: string; stack: string }[] }>(result);
    expect(read).toBe(200 * 1000);
    expect(warnings.map((w) => `${w.name}: ${w.message}\n${w.stack}`)).toEqual([]);
  });

  it('the child sees the warning Node prints for an AbortSignal with more than 10 listeners (the check itself works)', async () => {
    const result = await runChildAsync(MANY_SIGNALS, { args: [urlFor(), 'control'] });
    expectClean(result);
    expect(lastJson<{ warnings: { name: string }[] }>(result).warnings.map((w) => w.name)).toEqual(['MaxListenersExceededWarning']);
  });
});
