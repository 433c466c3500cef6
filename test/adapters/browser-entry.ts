/** The Chromium page's script: the adapter checks (runtime-checks.ts) against the page's DATA_URL, into #out. */
import { runChecks } from './runtime-checks.js';

const out = document.getElementById('out')!;
const dataUrl = (globalThis as { DATA_URL?: string }).DATA_URL!;
runChecks(dataUrl).then(
  (lines) => (out.textContent = lines.join('\n')),
  (error: unknown) => (out.textContent = `ERROR ${String((error as Error)?.stack ?? error)}`),
).finally(() => out.setAttribute('data-done', ''));
