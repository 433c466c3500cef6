/**
 * The harness-neutral contract of a conformance case: `(fixture, t)`, using only
 * `t.equal` / `t.throwsCode` / `t.rejectsCode` and storage the fixture builds.
 * No imports of node:*, no jest globals: the same cases run under jest, Deno, Bun,
 * workerd, edge-runtime and Chromium. Cases branch on `map.stableViews`, never on
 * the backend. A case that cannot apply to a fixture at all (it resizes, and the
 * storage cannot change size) says so in `needs`; runners skip it with the reason
 * before it starts (`skipReason`), and report it as skipped, never as passed.
 */
import type { MapOptions, MemoryMap } from '../../src/types.js';

/** Backing storage that a fixture made: a file where the runtime has files, else a Uint8Array. */
export interface Storage {
  /** Maps this storage with the fixture's backend and pager options, overridden by `options`. */
  open(options?: MapOptions): MemoryMap;
  /** The bytes the storage holds now (what reached the file). */
  contents(): Uint8Array;
  /** The file's path, where the storage is a file (the model test truncates it from another process). */
  readonly path?: string;
}

/** What a fixture can do, declared with it, so a runner knows which cases apply before any runs. */
export interface Capabilities {
  /** Its storage can change size (resize, grow): a file or an OPFS handle, not a Uint8Array. */
  readonly resizable: boolean;
  /**
   * Its maps hand out views (`map.stableViews`) whatever their size. False for a windowed
   * wasm fixture: a map larger than its maxResident has no stable views (a smaller one does).
   */
  readonly stableViews: boolean;
}

export type Capability = keyof Capabilities;

export interface Fixture extends Capabilities {
  /** A label for titles: "native", "wasm identity", … */
  readonly name: string;
  /** New storage holding `bytes`. */
  storage(bytes: Uint8Array): Storage;
}

export interface T {
  /** Deep equality: typed arrays by type and bytes, arrays and plain objects by members, else Object.is. */
  equal(actual: unknown, expected: unknown, what?: string): void;
  throwsCode(fn: () => unknown, code: string, what?: string): void;
  rejectsCode(promise: Promise<unknown> | (() => Promise<unknown>), code: string, what?: string): Promise<void>;
}

export interface Case {
  name: string;
  /** What the fixture must be able to do for this case to apply at all; a fixture without it skips the case. */
  needs?: readonly Capability[];
  run(fixture: Fixture, t: T): void | Promise<void>;
}

const WHY_NOT: Record<Capability, string> = {
  resizable: 'the storage cannot change size',
  stableViews: 'maps larger than its window hand out no stable views',
};

/**
 * Why a case does not apply to a fixture, or undefined when it does. Every runner
 * asks this before a case starts, and counts the case as skipped with this reason.
 * A fixture that declares no capabilities (the async fixtures) has none of them.
 */
export function skipReason(c: { needs?: readonly Capability[] }, fixture: object): string | undefined {
  const missing = (c.needs ?? []).filter((need) => (fixture as Partial<Capabilities>)[need] !== true);
  return missing.length ? `does not apply: ${missing.map((need) => WHY_NOT[need]).join(', and ')}` : undefined;
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const head = Array.from(bytes.subarray(0, 24), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return `${value.constructor.name}(${bytes.length}) [${head}${bytes.length > 24 ? ' …' : ''}]`;
  }
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor.name !== b.constructor.name && !(isBytes(a) && isBytes(b))) return false;
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as never)[k], (b as never)[k]));
  }
  return false;
}

/** Uint8Array and Node's Buffer (a Uint8Array subclass) compare as bytes. */
function isBytes(v: ArrayBufferView): boolean {
  return v instanceof Uint8Array || v.constructor.name === 'Buffer' || v.constructor.name === 'Uint8Array';
}

function codeOf(error: unknown): string | undefined {
  // An AbortError is known by its name: a DOMException's numeric `code` (20) says less.
  if (error && typeof error === 'object' && 'name' in error && (error as { name: unknown }).name === 'AbortError') return 'AbortError';
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return undefined;
}

/** A T that throws a plain Error on failure; works under any runner. */
export function makeT(): T {
  return {
    equal(actual, expected, what) {
      if (!deepEqual(actual, expected)) {
        throw new Error(`${what ?? 'value'}: expected ${describe(expected)}, got ${describe(actual)}`);
      }
    },
    throwsCode(fn, code, what) {
      let result: unknown;
      try {
        result = fn();
      } catch (error) {
        const got = codeOf(error);
        if (got !== code) {
          const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new Error(`${what ?? 'call'}: expected code ${code}, got ${got ?? 'no code'} (${detail})`);
        }
        return;
      }
      throw new Error(`${what ?? 'call'}: expected code ${code}, but it returned ${describe(result)}`);
    },
    async rejectsCode(promise, code, what) {
      let p: Promise<unknown>;
      try {
        p = typeof promise === 'function' ? promise() : promise;
      } catch (error) {
        throw new Error(`${what ?? 'call'}: expected a rejection with ${code}, but it threw synchronously (${String(error)})`);
      }
      try {
        await p;
      } catch (error) {
        const got = codeOf(error);
        if (got !== code) throw new Error(`${what ?? 'call'}: expected code ${code}, got ${got ?? 'no code'} (${String(error)})`);
        return;
      }
      throw new Error(`${what ?? 'call'}: expected a rejection with ${code}, but it resolved`);
    },
  };
}

/** Reads a stream to its end, as one array. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Deterministic test bytes: a xorshift stream, so failures reproduce. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
