/** The entry for Deno: wasm over node:fs files, permissions asked first; native with --allow-ffi. */
import '../platforms/deno.js';

export * from '../index.js';
