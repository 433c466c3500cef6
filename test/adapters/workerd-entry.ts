/** `workerd test` entry: the adapter checks (runtime-checks.ts) against DATA_URL. */
import { runChecks } from './runtime-checks.js';

export default {
  async test(_controller: unknown, env: { DATA_URL: string }): Promise<void> {
    for (const line of await runChecks(env.DATA_URL)) console.log(line);
  },
};
