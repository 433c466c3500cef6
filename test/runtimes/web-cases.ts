/** The conformance cases over Uint8Array storage, for runtimes without files (workerd, edge-runtime, Chromium). */
import { bytesFixture } from '../conformance/bytes-fixture.js';
import { RESULT_PREFIX, runCases, type FixtureReport } from '../conformance/run-cases.js';
import type { BackendReport, MapOptions, MemoryMap } from '../../src/types.js';

export interface Api {
  openMap(target: Uint8Array, options?: MapOptions): MemoryMap;
  detectBackend(): BackendReport;
}

export interface RuntimeReport {
  detected: BackendReport;
  results: FixtureReport[];
}

export async function runWebConformance(api: Api): Promise<RuntimeReport> {
  const detected = api.detectBackend();
  const results = await runCases([
    bytesFixture('Uint8Array, wasm identity', api.openMap, {}, { stableViews: true }),
    bytesFixture('Uint8Array, wasm windowed', api.openMap, { pageSize: 4096, maxResident: 4 * 4096 }, { stableViews: false }),
  ]);
  return { detected, results };
}

export { RESULT_PREFIX };
