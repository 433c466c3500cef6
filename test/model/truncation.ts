/**
 * Truncation in the model test: a command that shrinks the file from another
 * process, and the rule every command is judged by afterwards (docs/api.md,
 * "Truncation"). Until the map notices, a call whose bytes lie inside the new
 * end must behave as before; a call that may touch past it either behaves as
 * before (a wasm map keeps pages it holds; a native 'copy' map keeps its
 * changed pages) or throws ERR_MMAP_TRUNCATED, never returns other bytes. Once
 * it threw, every call but close() throws it. A change that threw may have
 * landed in part, so the final file is not compared over its range.
 */
import { truncateFromAnotherProcess } from '../helpers/truncate.js';
import { sameOutcome, TRUNCATED, type Outcome } from './outcomes.js';
import type { MemoryMap } from '../../src/types.js';

/** The model's fields for truncation. */
export interface Truncation {
  /** Where the storage is a file: its path, so another process can shrink it. */
  path?: string;
  /** The map position of the file's new end, once it was cut inside the map (≤ 0: before the map). */
  cut?: number;
  noticed: boolean;
  /** File ranges that a change that threw ERR_MMAP_TRUNCATED may or may not have changed. */
  unsure: [number, number][];
}

interface TruncModel {
  file: Uint8Array;
  bytes: Uint8Array;
  offset: number;
  access: string;
  closed: boolean;
  trunc: Truncation;
}

/** File sizes are cut to whole pages: then on native every page past the cut is missing whole. */
const PAGE = 4096;
/**
 * The largest wasm page size in the fixtures: a wasm page-in reads whole pages
 * counted from the map's byte 0, so a call touches past the cut when its end,
 * rounded up to such a page, lies past it.
 */
const MAX_PAGE = 65536;

/** Whether a call over map range `span` may be the one that notices the cut. */
function mayNotice(m: TruncModel, map: MemoryMap, span: [number, number] | undefined): boolean {
  // a windowed 'write' map writes changed pages back when it evicts them, during any call
  if (!map.stableViews && m.access === 'write') return true;
  if (span === undefined || span[1] <= span[0]) return false;
  return Math.ceil(span[1] / MAX_PAGE) * MAX_PAGE > m.trunc.cut!;
}

/**
 * Compares a call's outcome with the model's, truncation considered; `change` calls
 * pass the read-only check before the truncation check. Returns whether the call took
 * effect as the model expects (the caller then applies it to the model).
 */
export function judge(
  m: TruncModel,
  map: MemoryMap,
  real: Outcome,
  expected: Outcome,
  what: string,
  change: boolean,
  span?: [number, number],
): boolean {
  const t = m.trunc;
  const refusedFirst = m.closed || (change && m.access === 'read');
  if (t.noticed && !refusedFirst) {
    sameOutcome(real, TRUNCATED, `${what} after the truncation was noticed`);
    return false;
  }
  const threw = 'code' in real && real.code === TRUNCATED.code;
  if (t.cut !== undefined && !refusedFirst && 'ok' in expected && threw && mayNotice(m, map, span)) {
    t.noticed = true;
    if (change && span) t.unsure.push([m.offset + span[0], m.offset + span[1]]);
    return false;
  }
  sameOutcome(real, expected, what);
  return 'ok' in expected;
}

/** A 'write' map whose file was cut short: flush() and resize() must report it (they check the size). */
export function cutUnderWriteMap(m: TruncModel): boolean {
  return m.trunc.cut !== undefined && m.access === 'write' && !m.closed;
}

/** Another process cuts the file to a whole page at a fraction of its size. */
export class Truncate {
  constructor(readonly frac: number) {}
  check(): boolean {
    // Windows refuses to truncate a file while it is mapped (docs/api.md, Truncation): nothing to model there
    return process.platform !== 'win32';
  }
  run(m: TruncModel): void {
    const path = m.trunc.path;
    if (path === undefined || m.closed) return; // the storage is no file, or the map is gone
    const size = Math.floor((this.frac * m.file.length) / PAGE) * PAGE;
    if (size >= m.file.length) return;
    truncateFromAnotherProcess(path, size);
    m.file = m.file.slice(0, size);
    if (size < m.offset + m.bytes.length) m.trunc.cut = Math.min(m.trunc.cut ?? Infinity, size - m.offset);
  }
  toString(): string {
    return `truncate(${this.frac.toFixed(3)})`;
  }
}

/** The file after close compared with the model's, leaving out the ranges `unsure` names. */
export function sameFile(real: Uint8Array, expected: Uint8Array, unsure: [number, number][]): void {
  if (real.length !== expected.length) throw new Error(`the file after close: expected ${expected.length} bytes, got ${real.length}`);
  const skip = new Uint8Array(real.length);
  for (const [from, to] of unsure) skip.fill(1, Math.max(0, from), Math.min(real.length, to));
  const at = real.findIndex((byte, i) => skip[i] === 0 && byte !== expected[i]);
  if (at >= 0) throw new Error(`the file after close differs at byte ${at}: expected ${expected[at]}, got ${real[at]}`);
}
