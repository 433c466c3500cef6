/**
 * The backends the truncation tests run on (native, and the wasm pager in identity and
 * windowed mode), and how those tests read what a call threw.
 */
import type { MapOptions } from '../../src/types.js';

export const BACKENDS: [string, MapOptions][] = [
  ['native', { backend: 'native' }],
  ['wasm identity', { backend: 'wasm' }],
  ['wasm windowed', { backend: 'wasm', pageSize: 4096, maxResident: 4 * 4096 }],
];

/** The `code` of what `run` throws (or the error itself, as a string); undefined if it returns. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  }
}
