/** The debug build of the pager (asserts on), instantiated directly for tests of its exports. */
import { readFileSync } from 'node:fs';
import { instantiate, type PagerInstance } from '../../src/backends/wasm/module.js';

let compiled: WebAssembly.Module | undefined;

/** build/pager.debug.wasm, compiled once (run `npm run build:wasm` first). */
export function debugModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('../../build/pager.debug.wasm', import.meta.url)));
  return compiled;
}

/** A fresh instance of the debug build. */
export function debugInstance(): PagerInstance {
  return instantiate(debugModule());
}
