/**
 * Child processes running the compiled package (dist/entries/node.js): data
 * survives SIGKILL after flush(), nothing reaches the file before it in identity
 * mode, a windowed scan stays within its budget, and the instance pool keeps RSS
 * flat over many maps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pattern } from '../conformance/harness.js';
import { expectBytes } from '../helpers/bytes.js';
import { tempFiles } from '../helpers/temp-files.js';

const MiB = 1024 * 1024;
const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = new URL('../../dist/entries/node.js', import.meta.url).href;
const files = tempFiles('process');

/** Runs `body` as an ES module in a child node, with `map` helpers in scope; returns its JSON output. */
function child(body: string, args: string[] = [], nodeOptions: string[] = []): { signal: NodeJS.Signals | null; status: number | null; output: unknown } {
  const script = files.file(`child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import { openMap } from ${JSON.stringify(entry)};
import { readFileSync } from 'node:fs';
const status = (field) => Number(new RegExp(field + ':\\\\s+(\\\\d+)').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const [path] = process.argv.slice(2);
${body}`,
  );
  const result = spawnSync(process.execPath, [...nodeOptions, script, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (result.stderr) throw new Error(result.stderr);
  const text = result.stdout.trim();
  return { signal: result.signal, status: result.status, output: text ? JSON.parse(text) : undefined };
}

beforeAll(() => {
  // the children import the compiled package: build it from these sources
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')]);
}, 120_000);
afterAll(() => files.cleanup());

describe('wasm maps in a child process', () => {
  it('keep the data of flush() when the process is killed straight after', () => {
    for (const options of ['{}', '{ pageSize: 4096, maxResident: 8192 }']) {
      const path = files.file('durable.bin');
      const bytes = pattern(5 * 65536 + 11);
      writeFileSync(path, bytes);
      const result = child(
        `const map = openMap(path, { backend: 'wasm', access: 'write', ...${options} });
map.fill(0x5a, 1000, 200000);
map.setUint32(5 * 65536 + 7, 0xdeadbeef);
map.flush();
process.kill(process.pid, 'SIGKILL');`,
        [path],
      );
      expect(result.signal).toBe('SIGKILL');
      const expected = bytes.slice();
      expected.fill(0x5a, 1000, 201000);
      new DataView(expected.buffer).setUint32(5 * 65536 + 7, 0xdeadbeef);
      expectBytes(readFileSync(path), expected);
    }
  });

  it('leave the file unchanged in identity mode when killed before flush()', () => {
    const path = files.file('untouched.bin');
    const bytes = pattern(3 * 65536);
    writeFileSync(path, bytes);
    const result = child(
      `const map = openMap(path, { backend: 'wasm', access: 'write' });
if (!map.stableViews) throw new Error('expected identity mode');
map.fill(1);
map.view(0, 10).fill(2);
process.kill(process.pid, 'SIGKILL');`,
      [path],
    );
    expect(result.signal).toBe('SIGKILL');
    expectBytes(readFileSync(path), bytes);
  });

  it('close the source of a map garbage-collected without close(), once, even when that close() throws', () => {
    const result = child(
      `let closes = 0;
const source = { size: 4096, read: (into) => into.length, close() { closes++; throw new Error('close failed'); } };
(() => openMap(source, { backend: 'wasm' }).read(0, 10))();
for (let i = 0; i < 20 && closes === 0; i++) {
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 10));
}
console.log(JSON.stringify({ closes }));`,
      [],
      ['--expose-gc'],
    );
    expect(result.status).toBe(0);
    expect(result.output).toEqual({ closes: 1 });
  });

  describe('over a 256 MiB file', () => {
    let path: string;
    beforeAll(() => {
      path = files.file('large.bin');
      const block = pattern(MiB, 3);
      const fd = openSync(path, 'w');
      for (let i = 0; i < 256; i++) {
        new DataView(block.buffer).setUint32(0, i);
        writeSync(fd, block);
      }
      closeSync(fd);
    });

    it('scan with readInto() at maxResident 16 MiB with peak RSS growth within maxResident + 32 MiB', () => {
      const result = child(
        `const before = status('VmRSS');
const map = openMap(path, { backend: 'wasm', maxResident: 16 * 1024 * 1024 });
const buffer = new Uint8Array(1024 * 1024);
const words = new DataView(buffer.buffer);
let sum = 0;
for (let offset = 0; offset < map.byteLength; offset += buffer.length) {
  map.readInto(buffer, offset);
  sum += words.getUint32(0) + buffer[buffer.length - 1];
}
const { residentBytes } = map.residency();
map.close();
console.log(JSON.stringify({ growth: status('VmHWM') - before, sum, residentBytes }));`,
        [path],
      );
      const { growth, sum, residentBytes } = result.output as { growth: number; sum: number; residentBytes: number };
      expect(sum).toBe((255 * 256) / 2 + 256 * pattern(MiB, 3)[MiB - 1]);
      expect(residentBytes).toBeLessThanOrEqual(16 * MiB);
      expect(growth).toBeLessThanOrEqual(16 * MiB + 32 * MiB);
    });

    it('open, touch and close 100 maps of 64 MiB at a flat RSS', () => {
      const result = child(
        `const buffer = new Uint8Array(1024 * 1024);
const before = status('VmRSS');
let afterTen = 0;
for (let i = 0; i < 100; i++) {
  const map = openMap(path, { backend: 'wasm', length: 64 * 1024 * 1024 });
  if (!map.stableViews) throw new Error('expected identity mode');
  for (let offset = 0; offset < map.byteLength; offset += buffer.length) map.readInto(buffer, offset);
  map.close();
  if (i === 9) afterTen = status('VmRSS');
}
console.log(JSON.stringify({ before, afterTen, afterHundred: status('VmRSS') }));`,
        [path],
      );
      const { before, afterTen, afterHundred } = result.output as { before: number; afterTen: number; afterHundred: number };
      expect(afterTen - before).toBeGreaterThan(64 * MiB); // the frames were touched
      expect(afterHundred - before).toBeLessThanOrEqual(64 * MiB + 32 * MiB); // one map's frames, not two
      expect(afterHundred - afterTen).toBeLessThanOrEqual(16 * MiB);
    });
  });
});
