/**
 * The import rules of docs/ARCHITECTURE.md ("Which way the imports run"), as data and
 * one checker. Each rule names the files it governs and the files they must not reach;
 * a specifier is resolved against the importing file, so `../wasm/x.js` from
 * src/backends/native/ is caught however it is spelled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

export interface ImportRule {
  /** What the rule says, for the failure message. */
  reason: string;
  /** Files the rule governs: a path prefix relative to the repository root. */
  from: string;
  /** Import targets that are forbidden: path prefixes, relative to the root. */
  forbidden: string[];
  /** Where `forbidden` is ['*']: the only prefixes allowed. */
  allowedOnly?: string[];
}

export const IMPORT_RULES: ImportRule[] = [
  { reason: 'the native backend never imports the wasm backend', from: 'src/backends/native/', forbidden: ['src/backends/wasm/'] },
  { reason: 'the wasm backend never imports the native backend', from: 'src/backends/wasm/', forbidden: ['src/backends/native/'] },
  { reason: 'sources never import a backend', from: 'src/sources/', forbidden: ['src/backends/'] },
  { reason: 'the map surface is written once, over backend hooks: it never imports a backend', from: 'src/map/', forbidden: ['src/backends/'] },
  { reason: 'only platforms (and the entries that pick one) register backends', from: 'src/', forbidden: ['src/platforms/node', 'src/platforms/deno', 'src/platforms/browser', 'src/platforms/edge', 'src/platforms/portable', 'src/platforms/unavailable'] },
  { reason: 'adapters see maps through their public interfaces only', from: 'src/adapters/', forbidden: ['src/backends/', 'src/sources/', 'src/platforms/'] },
  { reason: 'caches see maps through PageCache only: they never import a backend, a source or the map surface', from: 'src/caches/', forbidden: ['src/backends/', 'src/sources/', 'src/map/', 'src/adapters/'] },
  { reason: 'the library never imports tests, benchmarks or examples', from: 'src/', forbidden: ['test/', 'bench/', 'examples/'] },
  { reason: 'assembly imports nothing outside assembly', from: 'assembly/', forbidden: ['*'], allowedOnly: ['assembly/'] },
];

/** Files allowed to break the platform rule: the entries and the platforms themselves. */
const PLATFORM_IMPORTERS = ['src/entries/', 'src/platforms/'];

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

const SPECIFIERS = [
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/gm, // import x from '…', export { y } from '…'
  /(?:^|[\s;])import\s*['"]([^'"]+)['"]/gm, // import '…' (for its side effects)
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm, // import('…')
];

/** The specifiers a TS/AssemblyScript/JS source imports (static, re-exports, dynamic); comments are ignored. */
export function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*\/\/.*$/gm, ' ');
  const found: { at: number; specifier: string }[] = [];
  for (const pattern of SPECIFIERS) for (const match of code.matchAll(pattern)) found.push({ at: match.index, specifier: match[1] });
  return found.sort((a, b) => a.at - b.at).map((f) => f.specifier);
}

/** What `specifier`, imported by `file`, names: a root-relative path, or the bare package name. */
function target(file: string, specifier: string): { path?: string; bare?: string } {
  if (!specifier.startsWith('.')) return { bare: specifier };
  return { path: normalize(join(dirname(file), specifier)).replace(/\\/g, '/') };
}

/** Every violation of `rules` in `files` (root-relative path → source text). */
export function importViolations(files: Map<string, string>, rules: ImportRule[] = IMPORT_RULES): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    for (const specifier of specifiersOf(source)) {
      const { path, bare } = target(file, specifier);
      for (const rule of rules) {
        if (!file.startsWith(rule.from)) continue;
        if (rule.forbidden.some((p) => p.startsWith('src/platforms/')) && PLATFORM_IMPORTERS.some((p) => file.startsWith(p))) continue;
        const broken = rule.allowedOnly
          ? bare !== undefined || !rule.allowedOnly.some((p) => path!.startsWith(p))
          : path !== undefined && rule.forbidden.some((p) => path.startsWith(p));
        if (broken) violations.push({ file, specifier, reason: rule.reason });
      }
    }
  }
  return violations;
}

/** The sources of `dirs` under `root`, by root-relative path. */
export function readSources(root: string, dirs: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs|js)$/.test(entry.name)) files.set(relative(root, path).replace(/\\/g, '/'), readFileSync(path, 'utf8'));
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return files;
}
