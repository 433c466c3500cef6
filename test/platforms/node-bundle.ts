/**
 * A bundle of test code for a Node binary this process does not run (another
 * architecture under an emulator): one .mjs file, so the emulated Node resolves and
 * parses nothing but it and the compiled package. The package itself stays outside the
 * bundle, imported from dist/ by file URL, so the addon is found exactly as an
 * installed package finds it (dist/backends/native/addon.js → native-backend/, through
 * node-gyp-build) and the test code and the package share one module instance.
 */
import { build, type Plugin } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../runtimes/bundle.js';

const DIST_ENTRY = pathToFileURL(join(ROOT, 'dist', 'entries', 'node.js')).href;

/** Imports of the package's node entry in source become imports of its compiled twin. */
const compiledPackage: Plugin = {
  name: 'compiled-package',
  setup(b) {
    b.onResolve({ filter: /src\/entries\/node(\.js)?$/ }, () => ({ path: DIST_ENTRY, external: true }));
  },
};

/** Writes the bundle of `entry` (a path from the repository root) to `outFile`. */
export async function bundleForNode(entry: string, outFile: string): Promise<void> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [compiledPackage],
    logLevel: 'silent',
  });
  writeFileSync(outFile, result.outputFiles[0].text);
}
