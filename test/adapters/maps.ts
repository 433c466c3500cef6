/**
 * The three kinds of map every adapter is tested on: a native map of a local file,
 * a wasm map of it with a budget so small that pages are evicted mid-parse, and an
 * async map of the same bytes served by nginx. `requests()` reads nginx's log: what
 * the parser made the remote map fetch.
 */
import { openMap, openMapAsync } from '../../src/entries/node.js';
import type { AsyncMemoryMap, MemoryMap } from '../../src/types.js';
import { startNginx, type AccessEntry, type Nginx } from '../helpers/nginx.js';
import { tempFiles } from '../helpers/temp-files.js';

export type Kind = 'native' | 'wasm (16 KiB budget)' | 'remote (nginx)';
export const KINDS: Kind[] = ['native', 'wasm (16 KiB budget)', 'remote (nginx)'];

export interface Fixtures {
  /** Opens a map of kind `kind` over the fixture `name`. */
  open(kind: Kind, name: string): Promise<MemoryMap | AsyncMemoryMap>;
  url(name: string): string;
  /** nginx's log entries for `name` since `mark`. */
  requests(name: string, mark: number): Promise<AccessEntry[]>;
  mark(): number;
  /** Replaces the served copy of `name` (a changed remote object). */
  replace(name: string, bytes: Uint8Array): void;
  close(): Promise<void>;
}

export async function fixtures(files: Record<string, Uint8Array>): Promise<Fixtures> {
  const local = tempFiles('adapters');
  for (const [name, bytes] of Object.entries(files)) local.file(name, bytes);
  const { writeFileSync } = await import('node:fs');
  const nginx: Nginx = await startNginx((root) => {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(`${root}/files/${name}`, bytes);
  });
  const maps: (MemoryMap | AsyncMemoryMap)[] = [];
  return {
    async open(kind, name) {
      const map =
        kind === 'native'
          ? openMap(local.file(name), { backend: 'native' })
          : kind === 'remote (nginx)'
            ? await openMapAsync(nginx.url(`/files/${name}`), { pageSize: 16 * 1024 })
            : openMap(local.file(name), { backend: 'wasm', pageSize: 4096, maxResident: 16 * 1024 });
      maps.push(map);
      return map;
    },
    url: (name) => nginx.url(`/files/${name}`),
    requests: async (name, mark) => (await nginx.since(mark)).filter((entry) => entry.uri === `/files/${name}`),
    mark: () => nginx.mark(),
    replace: (name, bytes) => writeFileSync(nginx.file(name), bytes),
    async close() {
      for (const map of maps) if (!map.closed) await map.close();
      await nginx.stop();
      local.cleanup();
    },
  };
}
