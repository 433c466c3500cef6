/**
 * A bundle of test code for a Node binary this process does not run (another
 * architecture under an emulator, Windows Node under Wine): one .mjs file, so the emulated Node resolves and
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

/** Imports of the package's node entry in source become imports of `packageAt`, left outside the bundle. */
const packageImports = (packageAt: string): Plugin => ({
  name: 'package-imports',
  setup(b) {
    b.onResolve({ filter: /src\/entries\/node(\.js)?$/ }, () => ({ path: packageAt, external: true }));
  },
});

/**
 * Writes the bundle of `entry` (a path from the repository root) to `outFile`. The
 * package is imported from `packageAt`: by default its compiled twin in dist/; with
 * 'portable-mmap', the package as installed beside the bundle (node_modules).
 */
export async function bundleForNode(entry: string, outFile: string, packageAt = DIST_ENTRY): Promise<void> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: packageAt === 'portable-mmap' ? ['portable-mmap'] : [],
    plugins: [packageImports(packageAt)],
    logLevel: 'silent',
  });
  writeFileSync(outFile, result.outputFiles[0].text);
}
