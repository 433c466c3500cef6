/**
 * getModule(): the pager's WebAssembly.Module, compiled synchronously once from
 * embedded bytes (no top-level await, no file read) that an entry hands in with
 * useEmbeddedBytes() (see embedded.ts), or a compiled module handed in by an
 * entry whose runtime forbids compiling bytes (workerd, Vercel Edge:
 * `import pager from '../pager.wasm'`, then `useModule(pager)`) — those bundles
 * then carry no copy of the bytes.
 */
import type { Availability } from '../../platforms/registry.js';
import { backendUnavailable, noMemory } from '../../errors.js';
import { ABI_VERSION, type PagerInstanceExports, type PagerLayout } from './abi.js';

/** The smallest module that uses SIMD: one function returning `v128.const 0`. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b, // code: v128.const 0; end
]);

/** One instance of the pager module, with its memory and the layout it reports. */
export interface PagerInstance {
  readonly exports: PagerInstanceExports;
  readonly memory: WebAssembly.Memory;
  readonly layout: PagerLayout;
}

let module: WebAssembly.Module | undefined;
let embedded: string | undefined;
let availability: Availability | undefined;

/** The pager's bytes (base64), compiled on first use. */
export function useEmbeddedBytes(base64: string): void {
  embedded = base64;
  availability = undefined;
}

/** Uses a module compiled elsewhere (a static `.wasm` import) instead of the embedded bytes. */
export function useModule(compiled: WebAssembly.Module): void {
  module = compiled;
  availability = undefined;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function probe(): Availability {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Instance !== 'function') {
    return { available: false, reason: 'WebAssembly is not available in this runtime' };
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    return { available: false, reason: 'WebAssembly SIMD is not supported by this runtime (the wasm pager needs it)' };
  }
  if (module === undefined) {
    if (embedded === undefined) return { available: false, reason: 'this entry provides no wasm pager module' };
    try {
      module = new WebAssembly.Module(decodeBase64(embedded));
    } catch (error) {
      return { available: false, reason: `the wasm pager cannot be compiled here: ${(error as Error).message}` };
    }
  }
  return { available: true, reason: 'the wasm pager (WebAssembly SIMD) loads here' };
}

/** Whether the pager can run here, and why not; computed once. */
export function pagerAvailability(): Availability {
  availability ??= probe();
  return availability;
}

/** The compiled pager module. @throws {MmapError} ERR_MMAP_BACKEND_UNAVAILABLE */
export function getModule(): WebAssembly.Module {
  const state = pagerAvailability();
  if (!state.available || module === undefined) throw backendUnavailable('wasm', state.reason);
  return module;
}

function globalValue(exports: WebAssembly.Exports, name: string): number {
  const value = (exports[name] as WebAssembly.Global | undefined)?.value;
  if (typeof value !== 'number') throw backendUnavailable('wasm', `the pager module has no export ${name}`);
  return value;
}

/** A new instance of `compiled` (default: getModule()), after checking its ABI version. */
export function instantiate(compiled: WebAssembly.Module = getModule()): PagerInstance {
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(compiled, {});
  } catch (error) {
    // The engine could not reserve the instance's memory: every instance holds an address
    // range, and maps closed while their streams or views live keep theirs until collected
    // (a few thousand in one synchronous loop, on V8): the pager's ERR_MMAP_NO_MEMORY. By name,
    // not instanceof: the RangeError may come from another realm (a test runner's).
    // Other RangeErrors (a full call stack) pass on as they are.
    const failure = error as Error | undefined;
    if (failure?.name === 'RangeError' && /memory|allocat/i.test(failure.message)) {
      throw noMemory(`WebAssembly could not allocate a new pager instance's memory (${failure.message})`);
    }
    throw error;
  }
  const exports = instance.exports;
  const version = globalValue(exports, 'ABI_VERSION');
  if (version !== ABI_VERSION) {
    throw backendUnavailable('wasm', `the pager module has ABI version ${version}, this library needs ${ABI_VERSION}`);
  }
  return {
    exports: exports as unknown as PagerInstanceExports,
    memory: exports.memory as WebAssembly.Memory,
    layout: {
      regsPointer: globalValue(exports, 'REGS_POINTER'),
      typedPointer: globalValue(exports, 'TYPED_POINTER'),
      needlePointer: globalValue(exports, 'NEEDLE_POINTER'),
      needleCapacity: globalValue(exports, 'NEEDLE_CAPACITY'),
      linesPointer: globalValue(exports, 'LINES_POINTER'),
      linesCapacity: globalValue(exports, 'LINES_CAPACITY'),
    },
  };
}
