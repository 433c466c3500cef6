/** A native backend for runtimes that cannot load addons: always unavailable, with the reason. */
import { backendUnavailable } from '../errors.js';
import type { NativeBackend } from './registry.js';

export function noNativeBackend(reason: string): NativeBackend {
  const unavailable = (): never => {
    throw backendUnavailable('native', reason);
  };
  return {
    availability: () => ({ available: false, reason }),
    openFile: unavailable,
    openShared: unavailable,
    unlinkShared: unavailable,
  };
}
