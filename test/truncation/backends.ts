/** The backends the truncation tests run on: native, and the wasm pager in identity and windowed mode. */
import type { MapOptions } from '../../src/types.js';

export const BACKENDS: [string, MapOptions][] = [
  ['native', { backend: 'native' }],
  ['wasm identity', { backend: 'wasm' }],
  ['wasm windowed', { backend: 'wasm', pageSize: 4096, maxResident: 4 * 4096 }],
];
