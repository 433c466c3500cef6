/** The file fixture for jest: temporary files mapped through the Node entry (the harness-neutral maker is test/conformance/file-fixture.ts). */
import { openMap } from '../../src/entries/node.js';
import { makeFileFixture, type CleanFixture } from '../conformance/file-fixture.js';
import type { MapOptions } from '../../src/types.js';

export type FileFixture = CleanFixture;

/** Views are stable unless `base` sets a window (pageSize or maxResident): only the wasm pager takes those. */
export function fileFixture(name: string, base: MapOptions): FileFixture {
  const windowed = base.pageSize !== undefined || base.maxResident !== undefined;
  return makeFileFixture(openMap, name, base, { stableViews: !windowed });
}
