/**
 * The wasm backend as entries register it with the platform: the synchronous
 * map (map.ts) and the asynchronous one (async-map.ts) over one pager module.
 * Kept apart from map.ts so that the synchronous map does not import the
 * asynchronous one.
 */
import type { WasmBackend } from '../../platforms/registry.js';
import { openAsyncWasmMap } from './async-map.js';
import { openWasmMap } from './map.js';
import { pagerAvailability } from './module.js';

/** The wasm backend: available where WebAssembly compiles the pager. */
export const wasmBackend: WasmBackend = {
  availability: pagerAvailability,
  open: openWasmMap,
  openAsync: openAsyncWasmMap,
};
