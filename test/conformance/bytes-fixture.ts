/** A conformance fixture over Uint8Array storage, for runtimes without files (workerd, edge, browsers). */
import type { Fixture, Storage } from './harness.js';
import type { MapOptions, MemoryMap } from '../../src/types.js';

type OpenMap = (target: Uint8Array, options?: MapOptions) => MemoryMap;

/** `stableViews`: whether maps opened with `base` hand out views (false for a windowed pager). */
export function bytesFixture(name: string, openMap: OpenMap, base: MapOptions, { stableViews }: { stableViews: boolean }): Fixture & { cleanup(): void } {
  const opened: MemoryMap[] = [];
  return {
    name,
    resizable: false,
    stableViews,
    storage(bytes: Uint8Array): Storage {
      const array = bytes.slice();
      return {
        open(options?: MapOptions) {
          const map = openMap(array, { ...base, ...options });
          opened.push(map);
          return map;
        },
        contents: () => array.slice(),
      };
    },
    cleanup() {
      for (const map of opened.splice(0)) map.close();
    },
  };
}
