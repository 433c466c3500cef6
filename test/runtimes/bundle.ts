/**
 * esbuild bundles of test code for runtimes that cannot import the package's files
 * themselves. `portable-mmap` resolves through the package's own exports with the
 * runtime's conditions, as a user's bundler (wrangler, Next.js, Vite) would.
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How the pager's `.wasm` import is handled: kept as a sibling module (workerd) or compiled in place. */
export type WasmMode = 'external' | 'compile-inline';

/** Keeps `import pager from '…/pager.wasm'` as `./pager.wasm`, which the runtime's config supplies. */
const externalWasm: Plugin = {
  name: 'external-wasm',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './pager.wasm', external: true }));
  },
};

/**
 * edge-runtime evaluates one script in a vm and cannot import files, so the import
 * becomes a module compiled from the bytes inside that vm (which allows it).
 */
const inlineWasm: Plugin = {
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, () => ({ path: join(ROOT, 'dist', 'pager.wasm'), namespace: 'wasm-inline' }));
    b.onLoad({ filter: /.*/, namespace: 'wasm-inline' }, (args) => ({
      contents:
        `const b = ${JSON.stringify(readFileSync(args.path).toString('base64'))};` +
        'const bytes = Uint8Array.from(atob(b), (c) => c.charCodeAt(0));' +
        'export default new WebAssembly.Module(bytes);',
      loader: 'js',
    }));
  },
};

export interface BundleOptions {
  entry: string;
  conditions: readonly string[];
  format: 'esm' | 'iife';
  wasm?: WasmMode;
}

/** How each platform's bundler sees the package: the conditions wrangler, Next.js and browsers pass, and the wasm import's fate. */
export const PLATFORMS = {
  workerd: { conditions: ['workerd', 'worker', 'browser'], format: 'esm', wasm: 'external' },
  'edge-light': { conditions: ['edge-light', 'worker', 'browser'], format: 'iife', wasm: 'compile-inline' },
  browser: { conditions: ['browser'], format: 'esm', wasm: 'external' },
} as const satisfies Record<string, Omit<BundleOptions, 'entry'>>;

/** A bundle of `entry` as `platform`'s bundler would make it. */
export function bundleFor(platform: keyof typeof PLATFORMS, entry: string): Promise<string> {
  const { conditions, format, wasm } = PLATFORMS[platform];
  return bundle({ entry, conditions: [...conditions], format, wasm });
}

export async function bundle(options: BundleOptions): Promise<string> {
  const result = await build({
    entryPoints: [options.entry],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: options.format,
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: [...options.conditions],
    plugins: options.wasm === 'compile-inline' ? [inlineWasm] : [externalWasm],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
