/** The package as users load it: by name, through its exports, from ESM and from CommonJS. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the package by name', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portable-mmap-consumer-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'portable-mmap'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });

  test('CommonJS require() loads it (require(esm)) and gets the same classes as import', () => {
    const script = `
      const cjs = require('portable-mmap');
      import('portable-mmap').then((esm) => {
        const map = cjs.openMap(new Uint8Array([1, 2, 3]));
        console.log(JSON.stringify({ same: cjs.MmapError === esm.MmapError && cjs.openMap === esm.openMap, bytes: [...map.read(0)], backend: cjs.detectBackend().backend }));
        map.close();
      });`;
    const r = run(['-e', script]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ same: true, bytes: [1, 2, 3], backend: 'native' });
  });

  test('ESM import by name gets the node entry: native, with wasm beside it', () => {
    const script = `import { detectBackend, openMap } from 'portable-mmap';
      const m = openMap(new Uint8Array(8), { backend: 'wasm' });
      console.log(JSON.stringify([detectBackend().runtime, detectBackend().backend, m.backend]));`;
    const r = run(['--input-type=module', '-e', script]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['node', 'native', 'wasm']);
  });
});
