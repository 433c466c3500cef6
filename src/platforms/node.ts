/** Node, Bun and Deno: the native addon where it loads, the wasm pager, and node:fs file sources and cache directories. */
import '../backends/wasm/embedded.js';
import { nativeBackend } from '../backends/native/open.js';
import { wasmBackend } from '../backends/wasm/index.js';
import { registerPlatform } from './registry.js';
import { fileSources } from '../sources/file.js';
import { fileStores } from '../caches/file-store.js';

registerPlatform({ native: nativeBackend, wasm: wasmBackend, files: fileSources, cacheFiles: fileStores });
