/**
 * MapMemory: the two instances of the pager module that one map runs, and the
 * views over their memories.
 *
 * Isolation: a view() aliases WebAssembly memory, and its `.buffer`
 * is that whole memory, so a user's stray `new Uint8Array(view.buffer).fill(0)`
 * reaches everything in it. The page table and frame table therefore live in the
 * memory of a second instance (the metadata instance) that no view ever aliases;
 * the data instance's memory holds only frames and kernel scratch. A stray store
 * can change frame bytes (as a store through a real mapping can) but never which
 * page a frame is written back to. Two instances of one module, rather than
 * tables in JS arrays, keep the mechanism in AssemblyScript and every table
 * access inside wasm.
 */
import { noMemory } from '../../errors.js';
import { RUN_FIELDS, type KernelExports, type PagerExports } from './abi.js';
import type { PagerInstance } from './module.js';
import { acquireInstance, poolAccepts, releaseInstance } from './pool.js';

/** Memory the metadata instance needs: fixed, plus record, hash slots and out run per frame. */
const META_FIXED_BYTES = 65536;
const META_BYTES_PER_FRAME = 16 + 16 + 24;
/** Frames start after static data and scratch (assembly/layout.ts FRAMES). */
const SCRATCH_START = 65536;
const DATA_FIXED_BYTES = 3 * 65536;

/** The metadata and data instances of one map, from the pool. */
export class MapMemory {
  readonly meta: PagerExports;
  readonly data: KernelExports;
  readonly metaInstance: PagerInstance;
  readonly dataInstance: PagerInstance;
  /** The data memory as bytes and as a DataView; replaced whenever that memory changes. */
  heap!: Uint8Array;
  dataView!: DataView;
  /** Registers and the run list of the metadata instance. */
  regs!: Float64Array;
  out!: Float64Array;
  frameBase = 0;
  frameCount = 0;
  identity = false;

  /** Takes two instances from the pool, sized for `frames` frames of `pageSize` bytes. */
  constructor(frames: number, pageSize: number) {
    // the larger memory first, so that best fit gives it the pooled memory that held frames before
    this.dataInstance = acquireInstance(DATA_FIXED_BYTES + frames * pageSize);
    this.metaInstance = acquireInstance(META_FIXED_BYTES + frames * META_BYTES_PER_FRAME);
    this.meta = this.metaInstance.exports;
    this.data = this.dataInstance.exports;
  }

  /** Sizes both memories for `frames` frames and clears the tables; nothing changes if memory runs out. */
  layOut(identity: boolean, frames: number, pageSize: number, budgetFrames: number): void {
    // New tables forget which frames held data, and release() zeroes only the frames they name.
    if (this.frameCount > 0) this.zeroUsedFrames(pageSize);
    const base = this.data.initData(frames, pageSize);
    if (base < 0) throw noMemory(`WebAssembly memory cannot hold ${frames} frames of ${pageSize} bytes`);
    if (this.meta.init(frames, identity ? 1 : 0, budgetFrames) < 0) {
      throw noMemory(`WebAssembly memory cannot hold the page table of ${frames} frames`);
    }
    this.identity = identity;
    this.frameCount = frames;
    this.frameBase = base;
    const metaBuffer = this.metaInstance.memory.buffer;
    this.regs = new Float64Array(metaBuffer, this.metaInstance.layout.regsPointer, 8);
    this.out = new Float64Array(metaBuffer, this.meta.outPointer(), (frames + 1) * RUN_FIELDS);
    this.refreshViews();
  }

  private refreshViews(): void {
    const buffer = this.dataInstance.memory.buffer;
    this.heap = new Uint8Array(buffer);
    this.dataView = new DataView(buffer);
  }

  /** Detaches every view handed out so far: growing by 0 pages replaces the memory's ArrayBuffer. */
  detachViews(): void {
    this.dataInstance.memory.grow(0);
    this.refreshViews();
  }

  /**
   * Gives both instances back to the pool, after zeroing every frame the map
   * used; where views may still alias the data memory (a map garbage-collected
   * without close()), or the pool would not keep it, only the metadata instance.
   */
  release(pageSize: number, viewsMayAlias: boolean): void {
    if (!viewsMayAlias && poolAccepts(this.dataInstance)) {
      this.zeroUsedFrames(pageSize);
      const heap = new Uint8Array(this.dataInstance.memory.buffer);
      heap.fill(0, SCRATCH_START, Math.min(heap.length, DATA_FIXED_BYTES));
      releaseInstance(this.dataInstance);
    }
    releaseInstance(this.metaInstance);
  }

  /** Zeroes every frame that held data under the current tables. */
  private zeroUsedFrames(pageSize: number): void {
    const runs = this.meta.collectUsed();
    const heap = new Uint8Array(this.dataInstance.memory.buffer);
    for (let i = 0; i < runs * RUN_FIELDS; i += RUN_FIELDS) {
      const at = this.frameBase + this.out[i] * pageSize;
      heap.fill(0, at, at + this.out[i + 1] * pageSize);
    }
  }

  /** Gives back the instances of a map that failed to open: their memories only grew. */
  releaseUnused(): void {
    releaseInstance(this.dataInstance);
    releaseInstance(this.metaInstance);
  }
}
