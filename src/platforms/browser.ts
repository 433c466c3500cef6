/** Browsers: the wasm pager over bytes, Blobs and OPFS sync access handles; no files, no addons. */
import '../backends/wasm/embedded.js';
import { wasmBackend } from '../backends/wasm/index.js';
import { registerPlatform } from './registry.js';
import { noNativeBackend } from './unavailable.js';

registerPlatform({ native: noNativeBackend('browsers cannot load native addons'), wasm: wasmBackend });
