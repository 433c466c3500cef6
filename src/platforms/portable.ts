/** Any other runtime: the wasm pager, with node:fs files where process.getBuiltinModule offers them. */
import '../backends/wasm/embedded.js';
import { wasmBackend } from '../backends/wasm/index.js';
import { registerPlatform } from './registry.js';
import { fileSources } from '../sources/file.js';
import { fileStores } from '../caches/file-store.js';
import { noNativeBackend } from './unavailable.js';

registerPlatform({
  native: noNativeBackend('this entry has no native backend (use the node entry on Node and Bun)'),
  wasm: wasmBackend,
  files: fileSources,
  cacheFiles: fileStores, // opening one throws where getBuiltinModule has no node:fs
});
