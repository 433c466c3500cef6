/**
 * The model test: random command sequences against a plain Uint8Array model,
 * comparing bytes *and* error codes. The model re-derives every rule from docs/api.md
 * by itself (it shares no code with src/args.ts), so a rule broken in the
 * library shows up as a disagreement. Order of checks, as in docs/DECISIONS.md: closed,
 * then read-only, then arguments.
 */
import fc from 'fast-check';
import type { Fixture } from '../conformance/harness.js';
import type { Access, MemoryMap } from '../../src/types.js';
import { CLOSED, OUT, READ_ONLY, TRUNCATED, TYPE, outcome, sameOutcome, type Outcome } from './outcomes.js';
import { cutUnderWriteMap, judge, sameFile, Truncate, type Truncation } from './truncation.js';

/** An argument as drawn: a fraction of the current valid range, or a raw (usually invalid) value. */
type Pos = { frac: number } | { raw: unknown };

export interface Model {
  bytes: Uint8Array;
  /** The file as it stands, with the map's flushed changes. */
  file: Uint8Array;
  offset: number;
  access: Access;
  closed: boolean;
  trunc: Truncation;
}

interface Real {
  map: MemoryMap;
}

const posArb: fc.Arbitrary<Pos> = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((frac) => ({ frac })) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, Number.NaN, Infinity, '3', null, 2 ** 53).map((raw) => ({ raw })) },
);
const optPosArb: fc.Arbitrary<Pos | undefined> = fc.option(posArb, { nil: undefined, freq: 4 });

/** A position in [0, limit] (fractions) or the raw value. */
function resolve(pos: Pos, limit: number): unknown {
  return 'frac' in pos ? Math.floor(pos.frac * (limit + 1)) : pos.raw;
}

/** The model's own integer check: the outcome for a value that must be an integer in [min, max]. */
function intError(value: unknown, min: number, max: number): Outcome | undefined {
  if (typeof value !== 'number') return TYPE;
  if (!Number.isInteger(value) || value < min || value > max) return OUT;
  return undefined;
}

/** A copy-on-write wasm map may refuse a change past its page budget; allowed only there. */
function budgetRefusal(real: Outcome, r: Real, m: Model): boolean {
  return 'code' in real && real.code === 'ERR_MMAP_NO_MEMORY' && m.access === 'copy' && !r.map.stableViews;
}

abstract class Command implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): void;
  abstract toString(): string;
}

function writeGate(m: Model): Outcome | undefined {
  if (m.closed) return CLOSED;
  if (m.access === 'read') return READ_ONLY;
  return undefined;
}

class Read extends Command {
  constructor(readonly at: Pos, readonly length: Pos | undefined) {
    super();
  }
  run(m: Model, r: Real) {
    const offset = resolve(this.at, m.bytes.length);
    const length = this.length === undefined ? undefined : resolve(this.length, m.bytes.length + 2);
    const expected = ((): Outcome => {
      if (m.closed) return CLOSED;
      const bad = intError(offset, 0, m.bytes.length);
      if (bad) return bad;
      if (length !== undefined) {
        const badLength = intError(length, 0, Number.MAX_SAFE_INTEGER);
        if (badLength) return badLength;
      }
      const start = offset as number;
      const end = length === undefined ? m.bytes.length : Math.min(m.bytes.length, start + (length as number));
      return { ok: m.bytes.slice(start, end) };
    })();
    const real = outcome(() => r.map.read(offset as number, length as number));
    const bytes = 'ok' in expected ? (expected.ok as Uint8Array).length : 0;
    judge(m, r.map, real, expected, this.toString(), false, [offset as number, (offset as number) + bytes]);
  }
  toString() {
    return `read(${JSON.stringify(this.at)}, ${JSON.stringify(this.length)})`;
  }
}

class ReadInto extends Command {
  constructor(readonly size: number, readonly at: Pos) {
    super();
  }
  run(m: Model, r: Real) {
    const offset = resolve(this.at, m.bytes.length);
    const expected = ((): Outcome => {
      if (m.closed) return CLOSED;
      const bad = intError(offset, 0, m.bytes.length);
      if (bad) return bad;
      const start = offset as number;
      const out = new Uint8Array(this.size);
      const n = Math.min(this.size, m.bytes.length - start);
      out.set(m.bytes.subarray(start, start + n));
      return { ok: out };
    })();
    const target = new Uint8Array(this.size);
    const real = outcome(() => {
      r.map.readInto(target, offset as number);
      return target;
    });
    judge(m, r.map, real, expected, this.toString(), false, [offset as number, Math.min(m.bytes.length, (offset as number) + this.size)]);
  }
  toString() {
    return `readInto(${this.size}, ${JSON.stringify(this.at)})`;
  }
}

class Write extends Command {
  constructor(readonly data: Uint8Array, readonly at: Pos) {
    super();
  }
  run(m: Model, r: Real) {
    const offset = resolve(this.at, m.bytes.length);
    const expected = ((): Outcome => {
      const gate = writeGate(m);
      if (gate) return gate;
      const bad = intError(offset, 0, m.bytes.length);
      if (bad) return bad;
      if ((offset as number) + this.data.length > m.bytes.length) return OUT;
      return { ok: this.data.length };
    })();
    const real = outcome(() => r.map.write(this.data, offset as number));
    if (budgetRefusal(real, r, m)) return;
    const span: [number, number] = [offset as number, (offset as number) + this.data.length];
    if (judge(m, r.map, real, expected, this.toString(), true, span)) m.bytes.set(this.data, offset as number);
  }
  toString() {
    return `write(bytes(${this.data.length}), ${JSON.stringify(this.at)})`;
  }
}

class Fill extends Command {
  constructor(readonly value: number, readonly at: Pos | undefined, readonly length: Pos | undefined) {
    super();
  }
  run(m: Model, r: Real) {
    const offset = this.at === undefined ? undefined : resolve(this.at, m.bytes.length);
    const start = typeof offset === 'number' ? offset : 0;
    const length = this.length === undefined ? undefined : resolve(this.length, Math.max(0, m.bytes.length - start));
    const expected = ((): Outcome => {
      const gate = writeGate(m);
      if (gate) return gate;
      const badValue = intError(this.value, 0, 255);
      if (badValue) return badValue;
      if (offset !== undefined) {
        const bad = intError(offset, 0, m.bytes.length);
        if (bad) return bad;
      }
      if (length !== undefined) {
        const bad = intError(length, 0, m.bytes.length - start);
        if (bad) return bad;
      }
      return { ok: undefined };
    })();
    const real = outcome(() => r.map.fill(this.value, offset as number, length as number));
    if (budgetRefusal(real, r, m)) return;
    const end = length === undefined ? m.bytes.length : start + (length as number);
    if (judge(m, r.map, real, expected, this.toString(), true, [start, end])) m.bytes.fill(this.value, start, end);
  }
  toString() {
    return `fill(${this.value}, ${JSON.stringify(this.at)}, ${JSON.stringify(this.length)})`;
  }
}

class Move extends Command {
  constructor(readonly dest: Pos, readonly src: Pos, readonly count: Pos) {
    super();
  }
  run(m: Model, r: Real) {
    const dest = resolve(this.dest, m.bytes.length);
    const src = resolve(this.src, m.bytes.length);
    const far = Math.max(typeof dest === 'number' ? dest : 0, typeof src === 'number' ? src : 0);
    const count = resolve(this.count, Math.max(0, m.bytes.length - far));
    const expected = ((): Outcome => {
      const gate = writeGate(m);
      if (gate) return gate;
      const bad =
        intError(dest, 0, m.bytes.length) ?? intError(src, 0, m.bytes.length) ?? intError(count, 0, m.bytes.length - far);
      return bad ?? { ok: undefined };
    })();
    const real = outcome(() => r.map.move(dest as number, src as number, count as number));
    if (budgetRefusal(real, r, m)) return;
    // a move touches both ranges; the span from the first to the end of the last covers them
    const span: [number, number] = [Math.min(dest as number, src as number), far + (count as number)];
    if (judge(m, r.map, real, expected, this.toString(), true, span)) {
      m.bytes.copyWithin(dest as number, src as number, (src as number) + (count as number));
    }
  }
  toString() {
    return `move(${JSON.stringify(this.dest)}, ${JSON.stringify(this.src)}, ${JSON.stringify(this.count)})`;
  }
}

function modelFind(hay: Uint8Array, needle: Uint8Array, start: number, end: number, reverse: boolean): number {
  if (start > end) return -1;
  if (needle.length === 0) return reverse ? end : start;
  const candidates: number[] = [];
  for (let i = start; i + needle.length <= end; i++) {
    let j = 0;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) candidates.push(i);
  }
  if (candidates.length === 0) return -1;
  return reverse ? candidates[candidates.length - 1] : candidates[0];
}

class Find extends Command {
  constructor(
    readonly reverse: boolean,
    readonly needleFrom: number,
    readonly needleLength: number,
    readonly start: Pos | undefined,
    readonly end: Pos | undefined,
  ) {
    super();
  }
  run(m: Model, r: Real) {
    // The needle is cut from the current bytes, so it is usually present.
    const from = Math.floor(this.needleFrom * Math.max(0, m.bytes.length - this.needleLength));
    const needle = m.bytes.slice(from, from + this.needleLength);
    const start = this.start === undefined ? undefined : resolve(this.start, m.bytes.length);
    const end = this.end === undefined ? undefined : resolve(this.end, m.bytes.length);
    const expected = ((): Outcome => {
      if (m.closed) return CLOSED;
      const bad =
        (start === undefined ? undefined : intError(start, 0, m.bytes.length)) ??
        (end === undefined ? undefined : intError(end, 0, m.bytes.length));
      if (bad) return bad;
      const s = (start as number | undefined) ?? 0;
      const e = (end as number | undefined) ?? m.bytes.length;
      return { ok: modelFind(m.bytes, needle, s, e, this.reverse) };
    })();
    const call = () =>
      this.reverse ? r.map.rfind(needle, start as number, end as number) : r.map.find(needle, start as number, end as number);
    const span: [number, number] = [(start as number | undefined) ?? 0, (end as number | undefined) ?? m.bytes.length];
    judge(m, r.map, outcome(call), expected, this.toString(), false, span);
  }
  toString() {
    return `${this.reverse ? 'rfind' : 'find'}(needle@${this.needleFrom.toFixed(3)}/${this.needleLength}, ${JSON.stringify(this.start)}, ${JSON.stringify(this.end)})`;
  }
}

class TypedAccess extends Command {
  constructor(readonly set: boolean, readonly size: 1 | 2 | 4 | 8, readonly at: Pos, readonly value: number, readonly littleEndian: boolean) {
    super();
  }
  run(m: Model, r: Real) {
    const name = { 1: 'Uint8', 2: 'Uint16', 4: 'Uint32', 8: 'BigUint64' }[this.size];
    const offset = resolve(this.at, m.bytes.length);
    const value = this.size === 8 ? BigInt(this.value) : this.value % 2 ** (8 * this.size);
    const expected = ((): Outcome => {
      const gate = this.set ? writeGate(m) : m.closed ? CLOSED : undefined;
      if (gate) return gate;
      const bad = intError(offset, 0, Math.max(0, m.bytes.length - this.size));
      if (bad || (offset as number) + this.size > m.bytes.length) return bad ?? OUT;
      const dv = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
      if (!this.set) return { ok: (dv as never as Record<string, (o: number, le: boolean) => unknown>)[`get${name}`](offset as number, this.littleEndian) };
      return { ok: undefined };
    })();
    const map = r.map as never as Record<string, (...a: unknown[]) => unknown>;
    const real = outcome(() =>
      this.set ? map[`set${name}`](offset, value, this.littleEndian) : map[`get${name}`](offset, this.littleEndian),
    );
    if (budgetRefusal(real, r, m)) return;
    const applied = judge(m, r.map, real, expected, this.toString(), this.set, [offset as number, (offset as number) + this.size]);
    if (this.set && applied) {
      const dv = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
      (dv as never as Record<string, (o: number, v: unknown, le: boolean) => void>)[`set${name}`](offset as number, value, this.littleEndian);
    }
  }
  toString() {
    return `${this.set ? 'set' : 'get'}${this.size * 8}(${JSON.stringify(this.at)}, ${this.value}, ${this.littleEndian})`;
  }
}

/** The file as the map leaves it: the flushed file with the map's bytes over their range. */
function fileWithMap(m: Model): Uint8Array {
  const file = m.file.slice();
  // a file cut before the map's start keeps none of the map's bytes
  if (file.length > m.offset) file.set(m.bytes.subarray(0, Math.min(m.bytes.length, file.length - m.offset)), m.offset);
  return file;
}

class Advise extends Command {
  constructor(readonly advice: string, readonly at: Pos | undefined, readonly length: Pos | undefined) {
    super();
  }
  run(m: Model, r: Real) {
    const offset = this.at === undefined ? undefined : resolve(this.at, m.bytes.length);
    const length = this.length === undefined ? undefined : resolve(this.length, m.bytes.length + 2);
    const expected = ((): Outcome => {
      if (m.closed) return CLOSED;
      if (!['normal', 'random', 'sequential', 'willneed', 'dontneed'].includes(this.advice)) return { code: 'ERR_INVALID_ARG_VALUE' };
      const bad =
        (offset === undefined ? undefined : intError(offset, 0, m.bytes.length)) ??
        (length === undefined ? undefined : intError(length, 0, Number.MAX_SAFE_INTEGER));
      return bad ?? { ok: undefined };
    })();
    const real = outcome(() => r.map.advise(this.advice as never, offset as number, length as number));
    const start = (offset as number | undefined) ?? 0;
    const end = length === undefined ? m.bytes.length : Math.min(m.bytes.length, start + (length as number));
    judge(m, r.map, real, expected, this.toString(), false, [start, end]);
  }
  toString() {
    return `advise('${this.advice}', ${JSON.stringify(this.at)}, ${JSON.stringify(this.length)})`;
  }
}

class Flush extends Command {
  run(m: Model, r: Real) {
    // a 'write' map checks the file's size: one cut short under it fails the flush, which notices
    const cut = cutUnderWriteMap(m) && m.bytes.length > 0 && !m.trunc.noticed;
    const expected = m.closed ? CLOSED : cut ? TRUNCATED : { ok: undefined };
    const applied = judge(m, r.map, outcome(() => r.map.flush()), expected, 'flush()', false);
    if (cut) m.trunc.noticed = true;
    if (applied && m.access === 'write') m.file = fileWithMap(m);
  }
  toString() {
    return 'flush()';
  }
}

class Resize extends Command {
  constructor(readonly length: Pos) {
    super();
  }
  run(m: Model, r: Real) {
    const n = resolve(this.length, 3 * m.bytes.length + 10_000);
    const expected = ((): Outcome => {
      if (m.closed) return CLOSED;
      if (m.access !== 'write') return READ_ONLY;
      return intError(n, 0, Number.MAX_SAFE_INTEGER) ?? { ok: undefined };
    })();
    // resizing a file cut short under the map would extend it again: refused, and noticed
    const cut = 'ok' in expected && n !== m.bytes.length && cutUnderWriteMap(m) && !m.trunc.noticed;
    const applied = judge(m, r.map, outcome(() => r.map.resize(n as number)), cut ? TRUNCATED : expected, this.toString(), false);
    if (cut) m.trunc.noticed = true;
    if (applied && n !== m.bytes.length) {
      // The file is cut or extended to offset + n; the map then shows the file from offset.
      const file = fileWithMap(m);
      const next = new Uint8Array(m.offset + (n as number));
      next.set(file.subarray(0, Math.min(file.length, next.length)));
      m.file = next;
      m.bytes = next.slice(m.offset);
    }
  }
  toString() {
    return `resize(${JSON.stringify(this.length)})`;
  }
}

class Close extends Command {
  run(m: Model, r: Real) {
    sameOutcome(outcome(() => r.map.close()), { ok: undefined }, 'close()');
    if (!m.closed && m.access === 'write') m.file = fileWithMap(m);
    m.closed = true;
  }
  toString() {
    return 'close()';
  }
}

const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

/** Sizes spread over 0..max (fast-check's default sizes stay small). */
function spreadSize(max: number, smallWeight = 1): fc.Arbitrary<number> {
  return fc.oneof(weighted(smallWeight, fc.integer({ min: 0, max: 16 })), weighted(3, fc.integer({ min: 0, max })));
}

/** Bytes with runs and repeats, so searches and moves meet real structure. */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) % (seed % 3 === 0 ? 4 : 256);
  }
  return out;
}

const bytesArb = fc.tuple(spreadSize(9_000), fc.nat()).map(([n, seed]) => bytesOf(n, seed));


/** One weighted choice: close() is rare, since every later call then only checks ERR_MMAP_CLOSED. */
export const commandArbs: fc.Arbitrary<fc.Command<Model, Real>>[] = [
  fc.oneof(
    weighted(10, fc.tuple(posArb, optPosArb).map(([a, b]) => new Read(a, b))),
    weighted(6, fc.tuple(spreadSize(9_000), posArb).map(([s, a]) => new ReadInto(s, a))),
    weighted(10, fc.tuple(bytesArb, posArb).map(([d, a]) => new Write(d, a))),
    weighted(
      6,
      fc
        .tuple(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(256, -1, 0.5)), optPosArb, optPosArb)
        .map(([v, a, b]) => new Fill(v, a, b)),
    ),
    weighted(6, fc.tuple(posArb, posArb, posArb).map(([a, b, c]) => new Move(a, b, c))),
    weighted(
      8,
      fc
        .tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 40 }), optPosArb, optPosArb)
        .map(([rev, from, len, s, e]) => new Find(rev, from, len, s, e)),
    ),
    weighted(
      8,
      fc
        .tuple(fc.boolean(), fc.constantFrom(1, 2, 4, 8) as fc.Arbitrary<1 | 2 | 4 | 8>, posArb, fc.nat(), fc.boolean())
        .map(([set, size, at, v, le]) => new TypedAccess(set, size, at, v, le)),
    ),
    weighted(
      3,
      fc
        .tuple(fc.constantFrom('normal', 'random', 'sequential', 'willneed', 'dontneed', 'often'), optPosArb, optPosArb)
        .map(([a, o, l]) => new Advise(a, o, l)),
    ),
    weighted(4, fc.constant(new Flush())),
    weighted(3, posArb.map((p) => new Resize(p))),
    weighted(1, fc.constant(new Close())),
    weighted(1, fc.double({ min: 0, max: 1, noNaN: true }).map((frac) => new Truncate(frac))),
  ),
];

export interface ModelRunOptions {
  runs: number;
  maxCommands?: number;
}

/** Numbers of sequences: 1,000 by default (CI), more with MODEL_RUNS. */
export function modelRuns(): number {
  const fromEnv = Number(process.env.MODEL_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1_000;
}

/** One property: a random file, a random access mode and offset, then a random command sequence. */
export function modelProperty(fixture: Fixture) {
  return fc.property(
    fc.tuple(spreadSize(40_000), fc.nat()).map(([n, seed]) => bytesOf(n, seed)),
    fc.constantFrom<Access>('read', 'write', 'copy'),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.commands(commandArbs, { maxCommands: 40, size: 'max' }),
    (initial, access, offsetFrac, commands) => {
      const storage = fixture.storage(initial);
      const offset = Math.floor(offsetFrac * offsetFrac * initial.length);
      const map = storage.open({ access, offset });
      const trunc: Truncation = { path: storage.path, noticed: false, unsure: [] };
      const model: Model = { bytes: initial.slice(offset), file: initial.slice(), offset, access, closed: false, trunc };
      try {
        fc.modelRun(() => ({ model, real: { map } }), commands);
        map.close();
        if (model.access === 'write' && !model.closed) model.file = fileWithMap(model);
        sameFile(storage.contents(), model.file, model.trunc.unsure);
      } finally {
        map.close();
      }
    },
  );
}
