/** A dedicated worker of the Chromium page: opfsCache and cacheStorageCache off the main thread; posts the reports. */
import { cacheStorageCache, opfsCache, openMapAsync } from 'portable-mmap';
import { webRemoteFixture } from '../async/web-fixture.js';
import { checkCaches } from './runtime-checks.js';

void (async () => {
  try {
    const fixture = await webRemoteFixture('nginx (Chromium worker)', location.origin, openMapAsync);
    const reports = await checkCaches(fixture, [
      { name: 'opfsCache (worker)', make: () => opfsCache('portable-mmap-test-pages-worker') },
      { name: 'cacheStorageCache (worker)', make: () => cacheStorageCache('portable-mmap-test-pages-worker') },
    ]);
    postMessage(reports);
  } catch (error) {
    postMessage([{ name: 'worker', passes: [], error: String((error as Error)?.stack ?? error) }]);
  }
})();
