/** Placeholder until the wasm pager lands (issue 3). */
import type { WasmBackend } from '../platform.js';
import { backendUnavailable } from '../errors.js';

const reason = 'the wasm pager is not built yet';
export const wasmBackend: WasmBackend = {
  availability: () => ({ available: false, reason }),
  open() {
    throw backendUnavailable('wasm', reason);
  },
};
