/**
 * Backend selection: a pure function over what the runtime can do, so every
 * combination is testable without the runtime itself.
 */
import { BACKEND_CHOICES } from './args.js';
import { backendUnavailable, invalidArgValue } from './errors.js';
import type { Availability } from './platforms/registry.js';
import type { BackendChoice, BackendName, BackendReport, RuntimeName } from './types.js';

export const BACKEND_ENV = 'PORTABLE_MMAP_BACKEND';

export interface Capabilities {
  runtime: RuntimeName;
  /** The value of PORTABLE_MMAP_BACKEND, if set. */
  override: string | undefined;
  native(): Availability;
  wasm(): Availability;
}

/** What `requested` resolves to here; a `'native'`/`'wasm'` that cannot load is reported, not thrown. */
export function chooseBackend(caps: Capabilities, requested: BackendChoice = 'auto'): BackendReport {
  const runtime = caps.runtime;
  if (requested === 'auto' && caps.override !== undefined && caps.override !== '') {
    if (!(BACKEND_CHOICES as readonly string[]).includes(caps.override)) {
      throw invalidArgValue(BACKEND_ENV, caps.override, BACKEND_CHOICES);
    }
    const forced = caps.override as BackendChoice;
    if (forced !== 'auto') {
      const availability = forced === 'native' ? caps.native() : caps.wasm();
      return { backend: forced, runtime, reason: `${BACKEND_ENV}=${forced}; ${availability.reason}` };
    }
  }
  if (requested !== 'auto') {
    const availability = requested === 'native' ? caps.native() : caps.wasm();
    return { backend: requested, runtime, reason: `backend '${requested}' requested; ${availability.reason}` };
  }
  const native = caps.native();
  if (native.available) return { backend: 'native', runtime, reason: native.reason };
  const wasm = caps.wasm();
  return { backend: 'wasm', runtime, reason: wasm.available ? `${native.reason}; using the wasm pager` : `${native.reason}; ${wasm.reason}` };
}

/** Resolves the choice and throws ERR_MMAP_BACKEND_UNAVAILABLE where the chosen backend cannot load. */
export function requireBackend(caps: Capabilities, requested: BackendChoice): BackendName {
  const report = chooseBackend(caps, requested);
  const availability = report.backend === 'native' ? caps.native() : caps.wasm();
  if (!availability.available) throw backendUnavailable(report.backend, report.reason);
  return report.backend;
}
