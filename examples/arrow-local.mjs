// Apache Arrow over a memory map: tableFromIPC(map.view()) parses a local Arrow IPC
// file without copying it. On the native backend view() aliases the page cache, so
// the table's column buffers are the file's pages, read only when touched.
// Usage: node examples/arrow-local.mjs [file.arrow]   (without a file, it writes one first)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { detectBackend, openMap } from 'portable-mmap';

let path = process.argv[2];
let dir;
if (!path) {
  dir = mkdtempSync(join(tmpdir(), 'arrow-local-'));
  path = join(dir, 'measurements.arrow');
  const n = 1_000_000;
  const table = tableFromArrays({
    id: Int32Array.from({ length: n }, (_, i) => i),
    value: Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000)),
  });
  writeFileSync(path, tableToIPC(table, 'file')); // the IPC file format, as pyarrow writes .arrow files
}

const map = openMap(path);
try {
  const bytes = map.view(); // zero-copy where map.stableViews (native: always)
  const table = tableFromIPC(bytes);
  const value = table.getChild('value');
  const shared = value.data[0].values.buffer === bytes.buffer; // the column's buffer is the map's
  console.log(`backend: ${detectBackend().backend}; ${table.numRows} rows, columns ${table.schema.fields.map((f) => f.name).join(', ')}`);
  console.log(`value[123456] = ${value.get(123456).toFixed(6)}; column buffer is the mapped memory: ${shared}`);
} finally {
  map.close(); // detaches the views: the table must not be used after this
  if (dir) rmSync(dir, { recursive: true, force: true });
}
