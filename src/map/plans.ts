/**
 * Call plans: the arguments of one map call, checked in the order docs/DECISIONS.md
 * fixes, and returned as in-range numbers. MapBase (every MemoryMap) and AsyncWasmMap
 * both call them, so the two surfaces accept and reject the same calls by construction.
 * Built on args.ts's rules (Node's validateInteger wording and codes).
 */
import {
  ADVICES,
  MAX_VIEW_LENGTH,
  checkByte,
  checkInteger,
  checkOffset,
  checkOneOf,
  clippedLength,
  exactLength,
  integerError,
  optionalOffset,
  toBytes,
  toNeedle,
  toTargetBytes,
} from '../args.js';
import { closed, outOfRange, readOnly } from '../errors.js';
import type { Access, Advice } from '../types.js';

/**
 * The state half of the order of checks (docs/DECISIONS.md "Order of checks"): the map
 * is open, then its access mode allows a change. Every map surface and cursor uses it.
 * @throws {MmapError} ERR_MMAP_CLOSED, ERR_MMAP_READ_ONLY
 */
export function checkWritable(map: { readonly closed: boolean; readonly access: Access }, what: string): void {
  if (map.closed) throw closed();
  if (map.access === 'read') throw readOnly(what);
}

/** A typed access of `size` bytes at `offset`: the whole access lies inside the map. */
export function typedOffset(offset: unknown, size: number, byteLength: number): number {
  if (typeof offset === 'number' && offset >= 0 && offset + size <= byteLength && Number.isInteger(offset)) return offset;
  throw integerError('offset', offset, 0, Math.max(0, byteLength - size));
}

/** read()'s arguments: a copy of `count` bytes at `start`, clipped at the end, one Uint8Array at most. */
export function readPlan(offset: unknown, length: unknown, byteLength: number): { start: number; count: number } {
  const start = checkOffset('offset', offset, byteLength);
  return { start, count: clippedLength(length, start, byteLength, MAX_VIEW_LENGTH) };
}

/** readInto()'s arguments: the target's bytes, cut to what is left after `start` (`count` of them). */
export function readIntoPlan(target: unknown, offset: unknown, byteLength: number): { into: Uint8Array; start: number; count: number } {
  const bytes = toTargetBytes(target);
  const start = checkOffset('offset', offset, byteLength);
  const count = Math.min(bytes.length, byteLength - start);
  return { into: count === bytes.length ? bytes : bytes.subarray(0, count), start, count };
}

/** write()'s arguments: the bytes and where they go; they must fit after `start` (writes never clip). */
export function writePlan(data: unknown, offset: unknown, byteLength: number): { bytes: Uint8Array; start: number } {
  const bytes = toBytes('data', data);
  const start = checkOffset('offset', offset, byteLength);
  if (bytes.length > byteLength - start) {
    throw outOfRange('data.length', bytes.length, `<= ${byteLength - start} (the bytes left after offset)`);
  }
  return { bytes, start };
}

/** load()'s arguments: a range the map clips at its end; the length is required. */
export function loadPlan(offset: unknown, length: unknown, byteLength: number): { start: number; count: number } {
  const start = checkOffset('offset', offset, byteLength);
  return { start, count: Math.min(checkInteger('length', length), byteLength - start) };
}

/** flush() and stream()'s arguments: an optional offset (0) and length (to the end), clipped at the end. */
export function spanPlan(offset: unknown, length: unknown, byteLength: number): { start: number; count: number } {
  const start = optionalOffset('offset', offset, byteLength, 0);
  return { start, count: clippedLength(length, start, byteLength) };
}

/** advise()'s arguments: the advice, then the range as flush() takes it. */
export function advisePlan(advice: unknown, offset: unknown, length: unknown, byteLength: number): { advice: Advice; start: number; count: number } {
  const kind = checkOneOf('advice', advice, ADVICES);
  return { advice: kind, ...spanPlan(offset, length, byteLength) };
}

/** resize()'s arguments, after the open check: only a 'write' map resizes, to a byte count. */
export function resizePlan(access: Access, newLength: unknown): number {
  if (access !== 'write') throw readOnly('resize()');
  return checkInteger('newLength', newLength) + 0; // + 0: resize(-0) gives byteLength 0, not -0
}

/** fill()'s arguments: the byte and the range it sets, which must lie inside the map (writes never clip). */
export function fillPlan(value: unknown, offset: unknown, length: unknown, byteLength: number): { byte: number; start: number; count: number } {
  const byte = checkByte('value', value);
  const start = optionalOffset('offset', offset, byteLength, 0);
  const count = length === undefined ? byteLength - start : exactLength('length', length, start, byteLength);
  return { byte, start, count };
}

/** move()'s arguments: both ranges must lie inside the map. */
export function movePlan(dest: unknown, src: unknown, count: unknown, byteLength: number): { to: number; from: number; byteCount: number } {
  const to = checkOffset('dest', dest, byteLength);
  const from = checkOffset('src', src, byteLength);
  const byteCount = exactLength('count', count, Math.max(to, from), byteLength);
  return { to, from, byteCount };
}

/**
 * find()/rfind()'s arguments, with Python's answers where no search is needed:
 * `start > end` is −1, an empty needle is found at `start` (rfind: at `end`), a
 * needle longer than the range is −1. Else the needle's bytes and the range.
 */
export function searchPlan(needle: unknown, start: unknown, end: unknown, byteLength: number, backward: boolean): number | { needle: Uint8Array; from: number; to: number } {
  const bytes = toNeedle(needle);
  const from = optionalOffset('start', start, byteLength, 0);
  const to = optionalOffset('end', end, byteLength, byteLength);
  if (from > to) return -1;
  if (bytes.length === 0) return backward ? to : from;
  if (bytes.length > to - from) return -1;
  return { needle: bytes, from, to };
}
