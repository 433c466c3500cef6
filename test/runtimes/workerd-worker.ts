/** A workerd test worker: `workerd test` calls test(); the bundle imports portable-mmap's workerd entry. */
import { detectBackend, openMap } from 'portable-mmap';
import { RESULT_PREFIX, runWebConformance } from './web-cases.js';

export default {
  async test(): Promise<void> {
    const report = await runWebConformance({ openMap, detectBackend });
    console.log(RESULT_PREFIX + JSON.stringify(report));
  },
};
