/** Bundled as one script for edge-runtime's vm: exposes the conformance run as a global. */
import { detectBackend, openMap } from 'portable-mmap';
import { runWebConformance } from './web-cases.js';

(globalThis as { runConformance?: () => Promise<string> }).runConformance = async () =>
  JSON.stringify(await runWebConformance({ openMap, detectBackend }));
