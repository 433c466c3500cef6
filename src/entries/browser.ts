/** The entry for browsers: the wasm pager, compiled from embedded bytes. Plain ESM with relative imports only. */
import '../platforms/browser.js';

export * from '../index.js';
