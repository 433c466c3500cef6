/** The entry for Vercel Edge (edge-light): the pager arrives as a compiled module import. */
import pager from '../pager.wasm';
import { registerEdge } from '../platforms/edge.js';

registerEdge(pager);

export * from '../index.js';
