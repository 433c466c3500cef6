/** Placeholder until the node:fs page source lands (issue 3). */
import type { FileSources } from '../platform.js';
import { backendUnavailable } from '../errors.js';

export const fileSources: FileSources = {
  open() {
    throw backendUnavailable('wasm', 'the file source is not built yet');
  },
};
