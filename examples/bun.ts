// bun examples/bun.ts
// Bun loads the Node-API addon, so maps are real OS mappings (native backend).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectBackend, openMap } from 'portable-mmap';

const dir = mkdtempSync(join(tmpdir(), 'portable-mmap-bun-'));
const path = join(dir, 'scores.bin');
writeFileSync(path, new Uint8Array(4096));
try {
  console.log(`backend: ${detectBackend().backend} (${detectBackend().reason})`);
  {
    using map = openMap(path, { access: 'write' });
    map.setUint32(0, 1234, true);
    const view = map.view(0, 4); // aliases the mapped bytes
    console.log(`view: ${Array.from(view).join(',')}`);
    map.flush();
  }
  console.log(`on disk: ${readFileSync(path).readUInt32LE(0)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
