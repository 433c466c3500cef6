/** A workerd test worker running the remote-map cases against the host's nginx (through env.CONTROL). */
import { detectBackend, openMapAsync } from 'portable-mmap';
import { runAsyncCases } from '../async/run-cases.js';
import { webRemoteFixture } from '../async/web-fixture.js';
import { RESULT_PREFIX } from '../conformance/run-cases.js';

export default {
  async test(_controller: unknown, env: { CONTROL: string }): Promise<void> {
    const fixture = await webRemoteFixture('nginx (workerd)', env.CONTROL, openMapAsync);
    const report = await runAsyncCases(fixture);
    console.log(RESULT_PREFIX + JSON.stringify({ detected: detectBackend(), results: [report] }));
  },
};
