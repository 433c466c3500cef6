/** The layout rules of docs/ARCHITECTURE.md: which way imports run, and how big a file or function may grow. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/native-build.js';
import { importViolations, readSources, specifiersOf } from './import-rules.js';

const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 60;

describe('import rules', () => {
  test('src/ and assembly/ keep every rule', () => {
    // assembly/build.mjs is the Node script that compiles the pager, not part of it.
    const sources = new Map([...readSources(ROOT, ['src', 'assembly'])].filter(([file]) => file !== 'assembly/build.mjs'));
    expect(sources.size).toBeGreaterThan(50);
    expect(importViolations(sources)).toEqual([]);
  });

  // The checker itself, on imports that break each rule, so a rule cannot pass by matching nothing.
  test.each([
    ['src/backends/native/map.ts', "import { Pager } from '../wasm/pager.js';", 'the native backend never imports the wasm backend'],
    ['src/backends/wasm/map.ts', "export { NativeMap } from '../native/map.js';", 'the wasm backend never imports the native backend'],
    ['src/sources/file.ts', "import type { WasmMap } from '../backends/wasm/map.js';", 'sources never import a backend'],
    ['src/sources/http/source.ts', "const m = await import('../../backends/native/addon.js');", 'sources never import a backend'],
    ['src/map/base.ts', "import '../backends/wasm/index.js';", 'the map surface is written once, over backend hooks: it never imports a backend'],
    ['src/open.ts', "import './platforms/node.js';", 'only platforms (and the entries that pick one) register backends'],
    ['src/adapters/parsers.ts', "import { HttpSource } from '../sources/http/source.js';", 'adapters see maps through their public interfaces only'],
    ['src/caches/file.ts', "import { fileSources } from '../sources/file.js';", 'caches see maps through PageCache only: they never import a backend, a source or the map surface'],
    ['src/args.ts', "import { tempFiles } from '../test/helpers/temp-files.js';", 'the library never imports tests, benchmarks or examples'],
    ['assembly/pager.ts', 'import { STATUS } from "../src/backends/wasm/abi";', 'assembly imports nothing outside assembly'],
    ['assembly/kernels.ts', 'import { x } from "some-package";', 'assembly imports nothing outside assembly'],
  ])('a violation is caught: %s: %s', (file, line, reason) => {
    expect(importViolations(new Map([[file, line]]))).toEqual([expect.objectContaining({ file, reason })]);
  });

  test('allowed imports pass: an entry registering a platform, wasm reaching a source, assembly within assembly', () => {
    const files = new Map([
      ['src/entries/node.ts', "import '../platforms/node.js';\nexport * from '../index.js';"],
      ['src/backends/wasm/map.ts', "import { fileSource } from '../../sources/file.js';"],
      ['assembly/index.ts', 'export { span } from "./pager";'],
    ]);
    expect(importViolations(files)).toEqual([]);
  });

  test('the scanner finds static, type-only, side-effect, re-export and dynamic imports, and none in comments', () => {
    const source =
      "import a from './a.js';\nimport type { B } from './b.js';\nimport './c.js';\nexport * from './d.js';\nexport {\n  /** the frame's page */ e,\n} from './e.js';\nconst f = await import('./f.js');\n// import x from './not-code.js';\n/* export { y } from './nor-this.js'; */";
    expect(specifiersOf(source)).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js', './f.js']);
  });
});

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name).slice(ROOT.length).replace(/^\//, ''));
}

describe('sizes', () => {
  test(`no file in src/, assembly/ or native-backend/src/ is over ${MAX_FILE_LINES} lines`, () => {
    const files = [...filesUnder('src', /\.ts$/), ...filesUnder('assembly', /\.ts$/), ...filesUnder('native-backend/src', /\.[ch]$/)].filter((f) => !f.endsWith('wasm/bytes.ts'));
    const long = files.map((file) => [file, readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1] as const).filter(([, lines]) => lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  test(`no function in src/ is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const file of filesUnder('src', /\.ts$/).filter((f) => !f.endsWith('wasm/bytes.ts'))) {
      const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (last - first + 1 > MAX_FUNCTION_LINES) long.push(`${file}:${first + 1} (${last - first + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
