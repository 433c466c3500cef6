/**
 * What a pager is made with, and the check that comes first: whether a source
 * can back a map with these options, and where the map lies in it. Both maps
 * run it before they change anything.
 */
import { checkInteger, resolveRange, type MapRange, type NormalizedOptions } from '../../args.js';
import { readOnly } from '../../errors.js';
import type { Access } from '../../types.js';
import { getModule } from './module.js';

/** What a pager maps: validated options and the range of the source. */
export interface PagerOptions {
  access: Access;
  pageSize: number;
  maxResident: number;
  /** Where the map starts in the source, and its length. */
  offset: number;
  length: number;
  /** Bytes of the source (after any grow). */
  sourceSize: number;
}

/**
 * Checks a source (synchronous or not) against validated options, and where the
 * map lies in it; nothing is changed yet. 'write' needs source.write, growing
 * needs source.truncate.
 * @throws {MmapError} ERR_MMAP_READ_ONLY, ERR_MMAP_BACKEND_UNAVAILABLE
 * @throws {RangeError} ERR_OUT_OF_RANGE when the range lies past the source's end without grow, or source.size is no size
 */
export function mapRange(source: { readonly size: number; write?: unknown; truncate?: unknown }, options: NormalizedOptions): MapRange & { size: number } {
  getModule();
  if (options.access === 'write' && typeof source.write !== 'function') throw readOnly("access 'write' on a source without write()");
  const size = checkInteger('source.size', source.size);
  const range = resolveRange(size, options);
  if (range.growTo !== undefined && range.growTo > size && typeof source.truncate !== 'function') {
    throw readOnly('grow on a source without truncate()');
  }
  return { ...range, size };
}
