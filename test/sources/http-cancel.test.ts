/** The HTTP Range source against a fault-injecting server: timeouts, aborts, close(), the in-flight bound. */
import { openHttpSource } from '../../src/sources/http/source.js';
import { FAST, data, faultUrl, open, readAt, same, server, waitUntil } from './http-fault-fixture.js';

describe('openHttpSource() timeout', () => {
  it('retries a request that exceeds `timeout`, then fails with ERR_MMAP_SOURCE_FAILED and no status', async () => {
    const source = await open({ mode: 'slow', delay: 5000 }, { timeout: 100, retries: 1 });
    const error = await readAt(source, 0, 10_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MMAP_SOURCE_FAILED', url: source.url });
    expect((error as { status?: number }).status).toBeUndefined();
    expect(server.requests).toHaveLength(3);
  });

  it('counts the body in the timeout, and succeeds once a request is fast again', async () => {
    const source = await open({ mode: 'stall', delay: 5000, times: 1 }, { timeout: 200 });
    expect(same(await readAt(source, 7000, 10_000), data.subarray(7000, 17_000))).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('applies to the probe', async () => {
    await expect(open({ mode: 'slow', delay: 5000, from: 0 }, { timeout: 100, retries: 0 })).rejects.toMatchObject({
      code: 'ERR_MMAP_SOURCE_FAILED',
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('openHttpSource() signal and close()', () => {
  it('rejects a pending read with an AbortError when the signal aborts, and every later read', async () => {
    const controller = new AbortController();
    const source = await open({ mode: 'slow', delay: 10_000 }, { signal: controller.signal });
    const pending = readAt(source, 0, 10_000);
    await waitUntil(() => server.requests.length === 2);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(readAt(source, 0, 10_000)).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(2);
    await waitUntil(() => server.inFlight === 0);
  });

  it('rejects with an AbortError whose cause is a custom reason', async () => {
    const controller = new AbortController();
    const source = await open({}, { signal: controller.signal });
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(readAt(source, 0, 10_000)).rejects.toMatchObject({ name: 'AbortError', cause: reason });
  });

  it('aborts during backoff', async () => {
    const controller = new AbortController();
    const source = await open({ mode: 'status', status: 503 }, { signal: controller.signal, retryDelay: 60_000, maxRetryDelay: 60_000 });
    const pending = readAt(source, 100_000, 10);
    await waitUntil(() => server.requests.length === 2);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(2);
  });

  it('rejects at open with an AbortError and sends nothing when the signal has already aborted', async () => {
    await expect(open({}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an open whose probe is pending when the signal aborts', async () => {
    const controller = new AbortController();
    const opening = open({ mode: 'slow', delay: 10_000, from: 0 }, { signal: controller.signal });
    await waitUntil(() => server.requests.length === 1);
    controller.abort();
    await expect(opening).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('follows the signal of a Request target', async () => {
    const controller = new AbortController();
    const source = await openHttpSource(new Request(faultUrl({ mode: 'slow', delay: 10_000 }), { signal: controller.signal }), FAST);
    const pending = readAt(source, 100_000, 100);
    await waitUntil(() => server.requests.length === 2);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects pending and later reads with ERR_MMAP_CLOSED after close()', async () => {
    const source = await open({ mode: 'slow', delay: 10_000 });
    const pending = readAt(source, 100_000, 100);
    await waitUntil(() => server.requests.length === 2);
    await source.close();
    await source.close();
    expect(source.closed).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    await expect(readAt(source, 0, 100)).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    await waitUntil(() => server.inFlight === 0);
  });
});

describe('openHttpSource() requests in flight', () => {
  it.each([
    [4, 4],
    [undefined, 6],
  ])('keeps at most maxInFlight=%s (%i) requests in flight', async (maxInFlight, bound) => {
    const source = await open({ delay: 50 }, { maxInFlight });
    server.reset();
    const positions = Array.from({ length: 20 }, (_, i) => (i + 1) * 100_000);
    const results = await Promise.all(positions.map((p) => readAt(source, p, 5000)));
    results.forEach((bytes, i) => expect(same(bytes, data.subarray(positions[i]!, positions[i]! + 5000))).toBe(true));
    expect(server.requests).toHaveLength(20);
    expect(server.maxInFlight).toBe(bound);
  });
});
