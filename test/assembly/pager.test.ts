/**
 * The pager's exports driven directly (debug build, asserts on): thousands of
 * random fault / dirty / expose / pin / recycle / evict / flush steps, with the
 * invariants checked after each one.
 */
import { ACCESS, FLAGS, REG_COUNT, REG_FRAME, REG_PAGE, RUN_FIELDS, STATUS, type PagerExports } from '../../src/backends/wasm/abi.js';
import { rng } from '../helpers/random.js';
import { debugInstance } from './load-debug.js';

interface Harness {
  pager: PagerExports;
  regs: Float64Array;
  out: () => Float64Array;
}

function harness(frames: number, identity: boolean, budget: number): Harness {
  const instance = debugInstance();
  const pager = instance.exports;
  expect(pager.init(frames, identity ? 1 : 0, budget)).toBe(0);
  const buffer = () => instance.memory.buffer;
  return {
    pager,
    regs: new Float64Array(buffer(), instance.layout.regsPointer, 8),
    out: () => new Float64Array(buffer(), pager.outPointer(), (frames + 1) * RUN_FIELDS),
  };
}

/** What the test knows that the pager must honour. */
class Model {
  /** Pages changed since their last write-back (exposed pages count as changed while exposed). */
  readonly modified = new Set<number>();
  readonly exposed = new Set<number>();
  readonly pinned = new Set<number>();
  readonly writtenBack: number[] = [];
}

function run(seed: number, frames: number, pages: number, identity: boolean): void {
  const random = rng(seed);
  const budget = identity ? Math.max(frames, 4) : frames;
  const { pager, regs, out } = harness(frames, identity, budget);
  const model = new Model();
  const copy = seed % 3 === 0; // a 'copy' map pins its changes; the others make them dirty
  const fail = (step: number, what: string) => new Error(`seed ${seed}, step ${step}: ${what}`);

  /** Writes back a run the pager asked for: every page in it must be a changed one. */
  const writeBack = (step: number, frame: number, count: number, page: number) => {
    for (let i = 0; i < count; i++) {
      if (pager.framePage(frame + i) !== page + i) throw fail(step, `write-back run frame ${frame + i} holds ${pager.framePage(frame + i)}, not ${page + i}`);
      if (!model.modified.has(page + i)) throw fail(step, `write-back of page ${page + i}, which did not change`);
      if (model.pinned.has(page + i)) throw fail(step, `write-back of pinned page ${page + i}`);
      model.writtenBack.push(page + i);
      if (!model.exposed.has(page + i)) model.modified.delete(page + i);
    }
    pager.cleaned(frame, count);
  };

  /** Brings `page` (and maybe a few after it) in, as the host does: reserve, write back victims, complete. */
  const fault = (step: number, page: number, maxCount: number) => {
    for (;;) {
      const count = pager.reserve(page, maxCount);
      if (count > 0) {
        const frame = regs[REG_FRAME];
        for (let i = 0; i < count; i++) {
          if (pager.framePage(frame + i) !== page + i) throw fail(step, 'reserve() gave a frame holding another page');
          if ((pager.frameFlags(frame + i) & FLAGS.LOADING) === 0) throw fail(step, 'a reserved frame is not loading');
        }
        if (random(10) === 0) {
          pager.abandon(frame, count);
          return false;
        }
        pager.complete(frame, count);
        return true;
      }
      if (count === STATUS.WRITE_BACK) {
        writeBack(step, regs[REG_FRAME], regs[REG_COUNT], regs[REG_PAGE]);
        continue;
      }
      if (count === STATUS.NO_FRAME && !identity && model.pinned.size + model.exposed.size >= frames) return false;
      throw fail(step, `reserve() returned ${count}`);
    }
  };

  const check = (step: number) => {
    if (pager.checkInvariants() !== 0) throw fail(step, 'checkInvariants()');
    const owner = new Map<number, number>();
    let resident = 0;
    for (let frame = 0; frame < frames; frame++) {
      const flags = pager.frameFlags(frame);
      if ((flags & FLAGS.RESIDENT) === 0) continue;
      resident++;
      const page = pager.framePage(frame);
      if (owner.has(page)) throw fail(step, `page ${page} in frames ${owner.get(page)} and ${frame}`);
      owner.set(page, frame);
      if (pager.peek(page) !== frame) throw fail(step, `peek(${page}) is ${pager.peek(page)}, not ${frame}`);
      if ((flags & FLAGS.DIRTY) !== 0 && !model.modified.has(page)) throw fail(step, `page ${page} is dirty but unchanged`);
    }
    if (resident !== pager.residentCount() || resident > frames) throw fail(step, `resident ${resident} of ${frames}`);
    for (const page of [...model.modified, ...model.pinned, ...model.exposed]) {
      if (pager.peek(page) < 0) throw fail(step, `changed, pinned or exposed page ${page} was dropped`);
    }
    if (pager.pinnedCount() !== model.pinned.size) throw fail(step, 'pinned count');
  };

  for (let step = 0; step < 3000; step++) {
    const page = random(pages);
    const action = random(100);
    if (action < 55) {
      // an access: read, write (dirty / pinned), or expose through a view
      const kind = random(4);
      const mark = kind === 1 ? (copy ? ACCESS.COPY : ACCESS.WRITE) : kind === 2 && identity ? ACCESS.EXPOSE : ACCESS.READ;
      if (mark === ACCESS.COPY && !model.pinned.has(page) && pager.pinCheck(page, 1) < 0) {
        if (model.pinned.size + 1 <= budget - 2) throw fail(step, 'pinCheck() refused a pin within the budget');
        continue;
      }
      let count = pager.span(page, 1, mark);
      if (count === 0) {
        if (!fault(step, page, 1 + random(4))) continue;
        count = pager.span(page, 1, mark);
      }
      if (count !== 1) throw fail(step, `span() after a fault returned ${count}`);
      if (mark === ACCESS.WRITE) model.modified.add(page);
      if (mark === ACCESS.COPY) {
        model.pinned.add(page);
        if (!identity && model.pinned.size > budget - 2) throw fail(step, `${model.pinned.size} pins with a budget of ${budget}`);
      }
      if (mark === ACCESS.EXPOSE) {
        model.exposed.add(page);
        model.modified.add(page);
      }
    } else if (action < 70 && !copy) {
      // flush a range: exactly the changed pages in it are written
      const from = random(pages);
      const to = from + random(pages - from + 1);
      const runs = pager.collectDirty(from, to);
      const runList = out();
      const written = new Set<number>();
      for (let i = 0; i < runs; i++) {
        const [frame, count, first] = runList.subarray(i * RUN_FIELDS, i * RUN_FIELDS + 3);
        for (let j = 0; j < count; j++) {
          if (pager.framePage(frame + j) !== first + j) throw fail(step, 'a flush run is not consecutive');
          written.add(first + j);
        }
      }
      const expected = new Set([...model.modified].filter((p) => p >= from && p < to));
      if (written.size !== expected.size || [...expected].some((p) => !written.has(p))) {
        throw fail(step, `flush of [${from}, ${to}) wrote ${[...written].sort()} instead of ${[...expected].sort()}`);
      }
      for (let i = 0; i < runs; i++) {
        const [frame, count, first] = runList.subarray(i * RUN_FIELDS, i * RUN_FIELDS + 3);
        writeBack(step, frame, count, first);
      }
    } else if (action < 78) {
      const from = random(pages);
      const to = from + random(pages - from + 1);
      const before = new Set([...Array(pages).keys()].filter((p) => pager.peek(p) >= 0));
      const dropped = pager.dropClean(from, to);
      const gone = [...before].filter((p) => pager.peek(p) < 0);
      if (gone.length !== dropped) throw fail(step, 'dropClean() count');
      if (gone.some((p) => p < from || p >= to || model.modified.has(p) || model.pinned.has(p) || model.exposed.has(p))) {
        throw fail(step, 'dropClean() dropped a page it must keep');
      }
    } else if (action < 88) {
      const frame = pager.peek(page);
      if (frame >= 0) pager.recycle(frame, 1 + random(3));
    } else if (action < 96) {
      // read a run of pages, as a sequential scan does
      const count = 1 + random(4);
      if (pager.span(page, count, ACCESS.READ) === 0) fault(step, page, count);
    } else if (identity && !copy && random(4) === 0) {
      // resize: everything changed is written back, then every page is dropped and views detached
      const runs = pager.collectDirty(0, pages);
      const runList = out().slice(0, runs * RUN_FIELDS);
      for (let i = 0; i < runs; i++) writeBack(step, runList[i * 3], runList[i * 3 + 1], runList[i * 3 + 2]);
      const resident = pager.residentCount();
      model.exposed.clear();
      model.modified.clear();
      if (pager.dropAll() !== resident || pager.residentCount() !== 0) throw fail(step, 'dropAll()');
    }
    check(step);
  }
}

describe('the pager (debug build, asserts on)', () => {
  for (const [frames, pages] of [
    [2, 40],
    [3, 9],
    [8, 64],
    [17, 200],
  ]) {
    it(`keeps its invariants over 3000 random steps, windowed: ${frames} frames, ${pages} pages`, () => {
      for (const seed of [1, 2, 3, 4, 5, 6]) run(seed * 101 + frames, frames, pages, false);
    });
  }
  it('keeps its invariants over 3000 random steps, identity mode', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) run(seed * 31, 24, 24, true);
  });

  it('hands out consecutive frames for a run of missing pages and recycles them first', () => {
    const { pager, regs } = harness(8, false, 8);
    expect(pager.reserve(100, 4)).toBe(4);
    const first = regs[REG_FRAME];
    pager.complete(first, 4);
    pager.recycle(first, 4);
    expect(pager.reserve(200, 4)).toBe(4);
    expect(regs[REG_FRAME]).toBe(first);
    expect(pager.peek(100)).toBe(STATUS.MISSING);
    expect(pager.evictionCount()).toBe(4);
  });

  it('asks for a write-back before evicting a dirty page, and never evicts a pinned one', () => {
    const { pager, regs } = harness(2, false, 4);
    for (const page of [0, 1]) {
      expect(pager.reserve(page, 1)).toBe(1);
      pager.complete(regs[REG_FRAME], 1);
    }
    expect(pager.span(0, 1, ACCESS.WRITE)).toBe(1);
    expect(pager.span(1, 1, ACCESS.COPY)).toBe(1);
    expect(pager.reserve(5, 1)).toBe(STATUS.WRITE_BACK);
    expect([regs[REG_COUNT], regs[REG_PAGE]]).toEqual([1, 0]);
    pager.cleaned(regs[REG_FRAME], 1);
    expect(pager.reserve(5, 1)).toBe(1);
    expect(pager.peek(1)).toBeGreaterThanOrEqual(0);
    pager.complete(regs[REG_FRAME], 1);
    expect(pager.span(5, 1, ACCESS.COPY)).toBe(1);
    expect(pager.reserve(6, 1)).toBe(STATUS.NO_FRAME);
  });

  it('refuses pins that would leave fewer than two unpinned frames, in windowed mode only', () => {
    const { pager } = harness(6, false, 6);
    expect(pager.pinCheck(0, 4)).toBe(0);
    expect(pager.pinCheck(0, 5)).toBe(STATUS.NO_MEMORY);
    const identity = harness(2, true, 2).pager;
    expect(identity.pinCheck(0, 2)).toBe(0);
  });

  it('traps on a broken precondition in the debug build', () => {
    const { pager, regs } = harness(4, false, 4);
    expect(pager.reserve(3, 1)).toBe(1);
    pager.complete(regs[REG_FRAME], 1);
    expect(() => pager.reserve(3, 1)).toThrow(WebAssembly.RuntimeError);
  });

  it('reports NO_MEMORY, not a trap, when the tables cannot fit', () => {
    const { pager } = harness(4, false, 4);
    expect(pager.init(2 ** 31 - 1, 0, 4)).toBe(STATUS.NO_MEMORY);
    expect(pager.checkInvariants()).toBe(0);
  });
});
