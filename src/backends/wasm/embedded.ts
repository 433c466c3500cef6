/** The pager compiled from bytes embedded in the bundle: for every runtime that may compile wasm at run time. */
import { useEmbeddedBytes } from './module.js';
import { PAGER_WASM_BASE64 } from './bytes.js';

useEmbeddedBytes(PAGER_WASM_BASE64);
