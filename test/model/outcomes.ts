/** What a call did (its value or its error code), and the comparison of that with what the model expects. */

export type Outcome = { ok: unknown } | { code: string };

export const OUT = { code: 'ERR_OUT_OF_RANGE' };
export const TYPE = { code: 'ERR_INVALID_ARG_TYPE' };
export const CLOSED = { code: 'ERR_MMAP_CLOSED' };
export const READ_ONLY = { code: 'ERR_MMAP_READ_ONLY' };
export const TRUNCATED = { code: 'ERR_MMAP_TRUNCATED' };

export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: fn() };
  } catch (error) {
    return { code: String((error as { code?: unknown }).code ?? (error as Error).message) };
  }
}

export function sameOutcome(real: Outcome, expected: Outcome, what: string): void {
  const show = (o: Outcome) => ('code' in o ? `throws ${o.code}` : `returns ${format(o.ok)}`);
  const equal =
    'code' in real || 'code' in expected
      ? 'code' in real && 'code' in expected && real.code === expected.code
      : sameValue(real.ok, expected.ok);
  if (!equal) throw new Error(`${what}: expected ${show(expected)}, got ${show(real)}`);
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    const x = a as Uint8Array;
    const y = b as Uint8Array;
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return Object.is(a, b);
}

function format(v: unknown): string {
  if (v instanceof Uint8Array) return `bytes(${v.length})[${Array.from(v.subarray(0, 12)).join(',')}${v.length > 12 ? ',…' : ''}]`;
  return typeof v === 'bigint' ? `${v}n` : String(v);
}
