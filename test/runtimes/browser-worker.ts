/** A dedicated worker: the cases over OPFS sync access handles, and the read-only cases over Blobs. */
import { detectBackend, openMap } from 'portable-mmap';
import { runCases } from '../conformance/run-cases.js';
import { blobCases, blobFixture, opfsFixture } from './browser-fixtures.js';

const detected = detectBackend();
const open = openMap as never;
const results = [
  ...(await runCases([
    await opfsFixture(open, 'OPFS sync access handle, wasm identity', {}, { stableViews: true }),
    await opfsFixture(open, 'OPFS sync access handle, wasm windowed', { pageSize: 4096, maxResident: 4 * 4096 }, { stableViews: false }),
  ])),
  ...(await runCases([blobFixture(open)], blobCases())),
];
postMessage({ detected, results });
