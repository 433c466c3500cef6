/** The page: the conformance cases on the main thread (bytes), then in a dedicated worker (OPFS, Blob). */
import { detectBackend, openMap } from 'portable-mmap';
import { runWebConformance } from './web-cases.js';

async function inWorker(): Promise<unknown> {
  const worker = new Worker('./worker.js', { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker: ${event.message}`));
  });
}

(globalThis as { runConformance?: () => Promise<string> }).runConformance = async () => {
  const main = await runWebConformance({ openMap, detectBackend });
  const worker = (await inWorker()) as typeof main;
  return JSON.stringify({ detected: main.detected, results: [...main.results, ...worker.results], worker: worker.detected });
};
