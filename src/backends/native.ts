/** Placeholder until the Node-API addon lands (issue 2). */
import type { NativeBackend } from '../platform.js';
import { backendUnavailable } from '../errors.js';

const reason = 'the Node-API addon is not built yet';
export const nativeBackend: NativeBackend = {
  availability: () => ({ available: false, reason }),
  openFile() {
    throw backendUnavailable('native', reason);
  },
};
