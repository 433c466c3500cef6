/** The entry for Node (and, until they get their own, Bun and Deno): native addon, wasm pager, node:fs files. */
import '../platforms/node.js';

export * from '../index.js';
