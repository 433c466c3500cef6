/** A workerd test worker: cacheStorageCache and memoryCache under maps of the host's nginx (through env.CONTROL). */
import { cacheStorageCache, memoryCache, openMapAsync } from 'portable-mmap';
import { webRemoteFixture } from '../async/web-fixture.js';
import { CACHE_REPORT_PREFIX, checkCaches } from './runtime-checks.js';

// Module scope: one isolate's memory cache serves every request, as a deployed worker's would.
const shared = memoryCache();

export default {
  async test(_controller: unknown, env: { CONTROL: string }): Promise<void> {
    const fixture = await webRemoteFixture('nginx (workerd)', env.CONTROL, openMapAsync);
    const reports = await checkCaches(fixture, [
      { name: 'cacheStorageCache', make: () => cacheStorageCache('portable-mmap-test-pages') },
      { name: 'memoryCache', make: () => shared },
    ]);
    console.log(CACHE_REPORT_PREFIX + JSON.stringify(reports));
  },
};
