/** A native backend for runtimes that cannot load addons: always unavailable, with the reason. */
import { backendUnavailable } from '../errors.js';
import type { NativeBackend } from '../platform.js';

export function noNativeBackend(reason: string): NativeBackend {
  return {
    availability: () => ({ available: false, reason }),
    openFile() {
      throw backendUnavailable('native', reason);
    },
  };
}
