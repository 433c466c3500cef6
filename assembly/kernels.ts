/**
 * Byte kernels over frames, run in the data instance: find, rfind, memchr and a
 * line scan, with SIMD (v128). Each is resumable run by run: the host hands in
 * one run of consecutive frames at a time (resolving faults between calls), and
 * find/rfind keep the last/first needle − 1 bytes of the text seen so far in a
 * carry window, so matches that cross runs are found. Only numbers cross the
 * boundary; state lives in this instance's globals and scratch.
 *
 * Search: compare the needle's first and last byte against 16 candidate positions
 * at once and verify only where both match (W. Muła, "SIMD-friendly algorithms
 * for substring searching", the generic SIMD variant).
 */
import { Status } from './status';
import { DEBUG } from './debug';
import { CARRY, LINES, LINES_MAX, NEEDLE } from './layout';

/** Needle length of the search in progress. */
let needleLength: u32 = 0;
/** Bytes in the carry window: the text next to the runs searched so far. */
let carryLength: u32 = 0;

// ─── primitives ───

/** Whether `length` bytes at `a` and `b` are equal (both ranges lie in memory). */
@inline function same(a: usize, b: usize, length: u32): bool {
  let i: u32 = 0;
  while (i + 16 <= length) {
    // SAFETY: i + 16 <= length, and [a, a + length) and [b, b + length) are the caller's ranges
    if (v128.any_true(v128.xor(v128.load(a + i), v128.load(b + i)))) return false;
    i += 16;
  }
  while (i < length) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}

/** First index of `byte` in [p, p + length), or NOT_FOUND. */
export function memchr(p: usize, length: u32, byte: u8): i32 {
  const v = i8x16.splat(byte);
  let i: u32 = 0;
  while (i + 64 <= length) {
    // SAFETY: i + 64 <= length, so the four loads stay in the caller's range [p, p + length)
    const a = i8x16.eq(v128.load(p + i), v);
    const b = i8x16.eq(v128.load(p + i, 16), v);
    const c = i8x16.eq(v128.load(p + i, 32), v);
    const d = i8x16.eq(v128.load(p + i, 48), v);
    if (v128.any_true(v128.or(v128.or(a, b), v128.or(c, d)))) {
      const lo = <u32>i8x16.bitmask(a) | (<u32>i8x16.bitmask(b) << 16);
      if (lo != 0) return <i32>(i + ctz(lo));
      const hi = <u32>i8x16.bitmask(c) | (<u32>i8x16.bitmask(d) << 16);
      return <i32>(i + 32 + ctz(hi));
    }
    i += 64;
  }
  while (i + 16 <= length) {
    // SAFETY: i + 16 <= length
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p + i), v));
    if (mask != 0) return <i32>(i + ctz(mask));
    i += 16;
  }
  for (; i < length; i++) if (load<u8>(p + i) == byte) return <i32>i;
  return Status.NOT_FOUND;
}

/** Last index of `byte` in [p, p + length), or NOT_FOUND. */
export function memrchr(p: usize, length: u32, byte: u8): i32 {
  const v = i8x16.splat(byte);
  let end = length;
  while (end >= 64) {
    const at = p + end - 64;
    // SAFETY: 64 <= end <= length, so [at, at + 64) lies in the caller's range [p, p + length)
    const a = i8x16.eq(v128.load(at), v);
    const b = i8x16.eq(v128.load(at, 16), v);
    const c = i8x16.eq(v128.load(at, 32), v);
    const d = i8x16.eq(v128.load(at, 48), v);
    if (v128.any_true(v128.or(v128.or(a, b), v128.or(c, d)))) {
      const hi = <u32>i8x16.bitmask(c) | (<u32>i8x16.bitmask(d) << 16);
      if (hi != 0) return <i32>(end - 32 + 31 - clz(hi));
      const lo = <u32>i8x16.bitmask(a) | (<u32>i8x16.bitmask(b) << 16);
      return <i32>(end - 64 + 31 - clz(lo));
    }
    end -= 64;
  }
  while (end >= 16) {
    // SAFETY: 16 <= end <= length
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p + end - 16), v));
    if (mask != 0) return <i32>(end - 16 + 31 - clz(mask));
    end -= 16;
  }
  while (end > 0) {
    end--;
    if (load<u8>(p + end) == byte) return <i32>end;
  }
  return Status.NOT_FOUND;
}

/**
 * Bytes a search may compare while verifying candidates, for `length` bytes of text:
 * past it the filter is failing (periodic needles and text), and the search stops
 * with COSTLY rather than go on quadratic. Ordinary text never comes near it.
 */
@inline function verifyBudget(length: u32): u64 {
  return (<u64>length << 2) + 65536;
}

/** First i with [h + i, h + i + m) equal to the needle at `n` (m ≥ 2), or NOT_FOUND, or COSTLY. */
export function search(h: usize, length: u32, n: usize, m: u32): i32 {
  if (length < m) return Status.NOT_FOUND;
  const budget = verifyBudget(length);
  let work: u64 = 0;
  const last = m - 1;
  const first = load<u8>(n);
  const final = load<u8>(n + last);
  const vf = i8x16.splat(first);
  const vl = i8x16.splat(final);
  const candidates = length - last; // positions 0 .. candidates − 1
  let i: u32 = 0;
  while (i + 16 <= candidates) {
    // SAFETY: i + last + 15 < candidates + last = length
    const hit = v128.and(i8x16.eq(v128.load(h + i), vf), i8x16.eq(v128.load(h + i + last), vl));
    let mask = <u32>i8x16.bitmask(hit);
    while (mask != 0) {
      const at = i + ctz(mask);
      if (same(h + at + 1, n + 1, m - 2)) return <i32>at;
      work += m;
      if (work > budget) return Status.COSTLY;
      mask &= mask - 1;
    }
    i += 16;
  }
  for (; i < candidates; i++) {
    if (load<u8>(h + i) != first || load<u8>(h + i + last) != final) continue;
    if (same(h + i + 1, n + 1, m - 2)) return <i32>i;
    work += m;
    if (work > budget) return Status.COSTLY;
  }
  return Status.NOT_FOUND;
}

/** Last such i, or NOT_FOUND, or COSTLY. */
export function searchLast(h: usize, length: u32, n: usize, m: u32): i32 {
  if (length < m) return Status.NOT_FOUND;
  const budget = verifyBudget(length);
  let work: u64 = 0;
  const last = m - 1;
  const first = load<u8>(n);
  const final = load<u8>(n + last);
  const vf = i8x16.splat(first);
  const vl = i8x16.splat(final);
  let end = length - last; // candidates below end remain
  while (end >= 16) {
    const at = end - 16;
    // SAFETY: at + last + 15 = end + last − 1 < length
    const hit = v128.and(i8x16.eq(v128.load(h + at), vf), i8x16.eq(v128.load(h + at + last), vl));
    let mask = <u32>i8x16.bitmask(hit);
    while (mask != 0) {
      const bit = 31 - clz(mask);
      if (same(h + at + bit + 1, n + 1, m - 2)) return <i32>(at + bit);
      work += m;
      if (work > budget) return Status.COSTLY;
      mask ^= 1 << bit;
    }
    end = at;
  }
  while (end > 0) {
    end--;
    if (load<u8>(h + end) != first || load<u8>(h + end + last) != final) continue;
    if (same(h + end + 1, n + 1, m - 2)) return <i32>end;
    work += m;
    if (work > budget) return Status.COSTLY;
  }
  return Status.NOT_FOUND;
}

// ─── resumable search over runs (exports) ───

/** Starts a search, forward (findRun) or backward (rfindRun), for the `m` needle bytes the host put at NEEDLE. */
export function findBegin(m: u32): void {
  needleLength = m;
  carryLength = 0;
}

/**
 * Searches the next run [p, p + length) of the text. Returns the match's index
 * counted from the start of the carry window (the min(m − 1, bytes seen before)
 * bytes that preceded this run), or NOT_FOUND, or COSTLY (no match before the
 * carry window's start; the host searches on from there another way).
 */
export function findRun(p: usize, length: u32): i32 {
  const m = needleLength;
  if (m == 1) return memchr(p, length, load<u8>(NEEDLE));
  const keep = m - 1;
  const before = carryLength;
  if (before > 0) {
    const take = min(keep, length);
    // SAFETY: before + take <= 2 × keep <= CARRY_MAX
    memory.copy(CARRY + before, p, take);
    const window = before + take;
    const found = search(CARRY, window, NEEDLE, m);
    if (found >= 0 || found == Status.COSTLY) return found;
    if (length < keep) {
      // SAFETY: keep < window <= CARRY_MAX: the copy stays inside the carry window
      if (window > keep) memory.copy(CARRY, CARRY + window - keep, keep);
      carryLength = min(window, keep);
      return Status.NOT_FOUND;
    }
  }
  const found = search(p, length, NEEDLE, m);
  if (found == Status.COSTLY) return found;
  if (found >= 0) return <i32>before + found;
  const kept = min(keep, length);
  // SAFETY: kept <= keep < NEEDLE_MAX <= CARRY_MAX, and kept <= length bytes precede p + length
  memory.copy(CARRY, p + length - kept, kept);
  carryLength = kept;
  if (DEBUG) assert(before == 0 || length >= keep);
  return Status.NOT_FOUND;
}

/**
 * Searches the run [p, p + length) that precedes the runs searched so far.
 * Returns the last match's index from `p`, or NOT_FOUND, or COSTLY (no match
 * ends after the text that follows this run plus m − 1 bytes; the host searches on another way).
 */
export function rfindRun(p: usize, length: u32): i32 {
  const m = needleLength;
  if (m == 1) return memrchr(p, length, load<u8>(NEEDLE));
  const keep = m - 1;
  if (carryLength > 0) {
    const take = min(keep, length);
    // window = the run's last `take` bytes, then the carry (the text that follows)
    // SAFETY: take + carryLength <= 2 × keep <= CARRY_MAX (carryLength <= keep), and take <= length
    memory.copy(CARRY + take, CARRY, carryLength);
    memory.copy(CARRY, p + length - take, take);
    const window = take + carryLength;
    const found = searchLast(CARRY, window, NEEDLE, m);
    if (found == Status.COSTLY) return found;
    if (found >= 0) return <i32>(length - take) + found;
    if (length < keep) {
      carryLength = min(window, keep);
      return Status.NOT_FOUND;
    }
  }
  const found = searchLast(p, length, NEEDLE, m);
  if (found >= 0 || found == Status.COSTLY) return found;
  const kept = min(keep, length);
  // SAFETY: kept <= keep < CARRY_MAX, and kept <= length
  memory.copy(CARRY, p, kept);
  carryLength = kept;
  return Status.NOT_FOUND;
}

/**
 * Line scan: writes `base` + the offset (from p) of each of up to LINES_MAX '\n'
 * bytes in [p, p + length) to LINES, as i32, and returns how many. `base` is
 * where p lies in the host's chunk, so the host copies the list as it is. A full
 * list (LINES_MAX) means there may be more: the host resumes after the last one;
 * a line that crosses runs simply continues in the next run.
 */
export function scanLines(p: usize, length: u32, base: i32): u32 {
  const v = i8x16.splat(0x0a);
  let count: u32 = 0;
  let i: u32 = 0;
  while (i + 16 <= length) {
    // SAFETY: i + 16 <= length
    let mask = <u32>i8x16.bitmask(i8x16.eq(v128.load(p + i), v));
    while (mask != 0) {
      if (count == LINES_MAX) return count;
      // SAFETY: count < LINES_MAX, and LINES holds LINES_MAX i32 (initData asserts it ends before FRAMES)
      store<i32>(LINES + (count << 2), base + <i32>(i + ctz(mask)));
      count++;
      mask &= mask - 1;
    }
    i += 16;
  }
  for (; i < length; i++) {
    if (load<u8>(p + i) != 0x0a) continue;
    if (count == LINES_MAX) return count;
    // SAFETY: count < LINES_MAX, as above
    store<i32>(LINES + (count << 2), base + <i32>i);
    count++;
  }
  return count;
}
