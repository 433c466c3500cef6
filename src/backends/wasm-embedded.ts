/** The pager compiled from bytes embedded in the bundle: for every runtime that may compile wasm at run time. */
import { useEmbeddedBytes } from './wasm-load.js';
import { PAGER_WASM_BASE64 } from './wasm-bytes.js';

useEmbeddedBytes(PAGER_WASM_BASE64);
