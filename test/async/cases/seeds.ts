/** The objects a runner puts on the Range server before the cases run, generated the same way everywhere. */
import { ascii, pattern } from '../../conformance/harness.js';

const MiB = 1024 * 1024;

/** Text of numbered lines of varied lengths, ending with a '\n'. */
function text(lines: number): Uint8Array {
  let out = '';
  for (let i = 0; i < lines; i++) out += `line ${i} ${'x'.repeat((i * 37) % 300)}\n`;
  return ascii(out);
}

/** Name → bytes; `gzip` ones are also served pre-compressed under /gzip/. */
export const SEEDS: Record<string, { bytes: () => Uint8Array; gzip?: boolean }> = {
  'big.bin': { bytes: () => pattern(64 * MiB, 64) },
  'small.bin': { bytes: () => pattern(300_000, 3) },
  'text.txt': { bytes: () => text(20_000), gzip: true },
  'empty.bin': { bytes: () => new Uint8Array(0) },
};
