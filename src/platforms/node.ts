/** Node, Bun and Deno: the native addon where it loads, the wasm pager, and node:fs file sources. */
import '../backends/wasm-embedded.js';
import { nativeBackend } from '../backends/native.js';
import { wasmBackend } from '../backends/wasm.js';
import { registerPlatform } from '../platform.js';
import { fileSources } from '../sources/file.js';

registerPlatform({ native: nativeBackend, wasm: wasmBackend, files: fileSources });
