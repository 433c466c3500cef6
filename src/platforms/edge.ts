/**
 * workerd (Cloudflare) and Vercel Edge: no addons, no compiling wasm from bytes,
 * ~128 MB isolates. The entry imports the pager's .wasm statically (wrangler and
 * esbuild turn that into a compiled module) and hands it to the loader.
 */
import { wasmBackend } from '../backends/wasm/index.js';
import { useModule } from '../backends/wasm/module.js';
import { MiB } from '../args.js';
import { registerPlatform } from './registry.js';
import { runtimeName } from '../runtime.js';
import { noNativeBackend } from './unavailable.js';

/** Isolates have ~128 MB, so maps hold 32 MiB of pages unless told otherwise. */
export const EDGE_MAX_RESIDENT = 32 * MiB;

export function registerEdge(pager: WebAssembly.Module): void {
  useModule(pager);
  const runtime = runtimeName();
  registerPlatform({
    runtime,
    native: noNativeBackend(`${runtime} cannot load native addons`),
    wasm: wasmBackend,
    defaultMaxResident: EDGE_MAX_RESIDENT,
  });
}
