/** assembly/status.ts, assembly/index.ts, assembly/frames.ts and src/backends/wasm/abi.ts must agree. */
import { readFileSync } from 'node:fs';
import { ABI_VERSION, ACCESS, FLAGS, STATUS } from '../../src/backends/wasm/abi.js';
import { getModule, instantiate, pagerAvailability, useModule } from '../../src/backends/wasm/module.js';
import { openMap } from '../../src/entries/node.js';
import { capabilities } from '../../src/open.js';
import { debugInstance, debugModule } from './load-debug.js';

const source = (file: string) => readFileSync(new URL(`../../assembly/${file}`, import.meta.url), 'utf8');

/** `NAME = value` pairs of an enum or `@inline export const NAME: type = value` lines. */
function constants(text: string, pattern: RegExp): Record<string, number> {
  const found: Record<string, number> = {};
  for (const match of text.matchAll(pattern)) found[match[1]] = Number(match[2]);
  return found;
}

describe('the pager ABI', () => {
  it('lists the same Status values in assembly/status.ts and src/backends/wasm/abi.ts', () => {
    const assembly = constants(source('status.ts'), /^\s*([A-Z_]+) = (-?\d+),/gm);
    expect(Object.keys(assembly).length).toBeGreaterThan(5);
    expect(assembly).toEqual(STATUS);
  });

  it('exports the same Status values and ABI_VERSION from both builds', () => {
    for (const instance of [debugInstance(), instantiate(getModule())]) {
      const exports = instance.exports as unknown as Record<string, WebAssembly.Global>;
      for (const [name, value] of Object.entries(STATUS)) expect([name, exports[`Status.${name}`].value]).toEqual([name, value]);
      expect(exports.ABI_VERSION.value).toBe(ABI_VERSION);
    }
    expect(Number(/export const ABI_VERSION: i32 = (\d+);/.exec(source('index.ts'))![1])).toBe(ABI_VERSION);
  });

  it('uses the same frame flags and access codes on both sides', () => {
    const frames = source('frames.ts');
    const flags = constants(frames, /^@inline export const ([A-Z]+): u32 = (\d+);/gm);
    expect(flags).toEqual(FLAGS);
    const access = constants(frames, /^@inline export const ACCESS_([A-Z]+): i32 = (\d+);/gm);
    expect(access).toEqual(ACCESS);
  });

  it('refuses a module whose ABI_VERSION differs', () => {
    // (module (global (export "ABI_VERSION") i32 (i32.const 99)))
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x06, 0x07, 0x01, 0x7f, 0x00, 0x41, 0xe3, 0x00, 0x0b,
      0x07, 0x0f, 0x01, 0x0b, ...new TextEncoder().encode('ABI_VERSION'), 0x03, 0x00,
    ]);
    expect(() => instantiate(new WebAssembly.Module(bytes))).toThrow(expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE' }));
  });

  it('loads synchronously from the embedded bytes, or uses a module handed in', () => {
    expect(pagerAvailability()).toEqual({ available: true, reason: expect.stringContaining('SIMD') });
    const embedded = getModule();
    expect(getModule()).toBe(embedded);
    useModule(debugModule());
    try {
      expect(getModule()).not.toBe(embedded);
      using map = openMap(new Uint8Array([1, 2, 3]), { backend: 'wasm' });
      expect(map.find(3)).toBe(2);
    } finally {
      useModule(embedded);
    }
    expect(getModule()).toBe(embedded);
  });

  it('reports itself unavailable, with the reason, where WebAssembly SIMD is missing', () => {
    const embedded = getModule();
    const validate = WebAssembly.validate;
    WebAssembly.validate = () => false;
    try {
      useModule(embedded); // forgets the cached availability
      expect(pagerAvailability()).toEqual({ available: false, reason: expect.stringContaining('SIMD is not supported') });
      expect(() => openMap(new Uint8Array(10), { backend: 'wasm' })).toThrow(
        expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE', reason: expect.stringContaining('SIMD') }),
      );
      expect(capabilities().wasm()).toEqual({ available: false, reason: expect.stringContaining('SIMD') }); // what detectBackend() reports
    } finally {
      WebAssembly.validate = validate;
      useModule(embedded);
    }
    expect(pagerAvailability().available).toBe(true);
  });
});
