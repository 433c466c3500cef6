/** The file fixture for jest: temporary files mapped through the Node entry. */
import { openMap } from '../../src/entries/node.js';
import { makeFileFixture, type CleanFixture } from '../conformance/file-fixture.js';
import type { MapOptions } from '../../src/types.js';

export type FileFixture = CleanFixture;

export function fileFixture(name: string, base: MapOptions): FileFixture {
  return makeFileFixture(openMap, name, base);
}
