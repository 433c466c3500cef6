/** The entry for Cloudflare workerd: the pager arrives as a compiled module import (workerd forbids compiling bytes). */
import pager from '../pager.wasm';
import { registerEdge } from '../platforms/edge.js';

registerEdge(pager);

export * from '../index.js';
