/**
 * Instances of closed maps, kept for the next open. WebAssembly memory is freed
 * only by garbage collection and never shrinks, so reusing an instance whose
 * memory is already committed keeps a process that opens and closes many maps
 * at a flat RSS. Callers zero the frames a map used before giving an instance back.
 */
import { MiB } from '../../args.js';
import { instantiate, type PagerInstance } from './module.js';

/** At most this many idle instances (two per map). */
export const POOL_LIMIT = 4;
/** Larger memories are left to the garbage collector rather than kept committed. */
export const POOLED_MEMORY_LIMIT = 512 * MiB;

const idle: PagerInstance[] = [];

/**
 * An instance whose memory best fits `byteLength`: the smallest idle one that is
 * large enough, else the largest (the caller grows it), else a new one.
 */
export function acquireInstance(byteLength: number): PagerInstance {
  let best = -1;
  for (let i = 0; i < idle.length; i++) {
    const size = idle[i].memory.buffer.byteLength;
    const bestSize = best < 0 ? -1 : idle[best].memory.buffer.byteLength;
    const fits = size >= byteLength;
    const bestFits = bestSize >= byteLength;
    if (best < 0 || (fits && (!bestFits || size < bestSize)) || (!fits && !bestFits && size > bestSize)) best = i;
  }
  return best < 0 ? instantiate() : idle.splice(best, 1)[0];
}

/** Whether releaseInstance() would keep `instance` (else it is left to the garbage collector). */
export function poolAccepts(instance: PagerInstance): boolean {
  return idle.length < POOL_LIMIT && instance.memory.buffer.byteLength <= POOLED_MEMORY_LIMIT;
}

/** Gives an instance back (its memory already zeroed where a map used it). */
export function releaseInstance(instance: PagerInstance): void {
  if (poolAccepts(instance)) idle.push(instance);
}

/** Idle instances (tests). */
export function pooledInstances(): number {
  return idle.length;
}
