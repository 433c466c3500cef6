// deno run --allow-read --allow-write examples/deno.ts
// Deno maps files through the wasm pager (no --allow-ffi needed). In your own project,
// import from 'npm:portable-mmap'.
import { detectBackend, openMap } from 'portable-mmap';

declare const Deno: {
  makeTempFileSync(options: { suffix: string }): string;
  writeTextFileSync(path: string, text: string): void;
  readTextFileSync(path: string): string;
  removeSync(path: string): void;
};

const path = Deno.makeTempFileSync({ suffix: '.log' });
Deno.writeTextFileSync(path, 'INFO start\nERROR disk full\nINFO retry\nERROR disk full\n');
try {
  console.log(`backend: ${detectBackend().backend} (${detectBackend().reason})`);
  {
    using log = openMap(path);
    let errors = 0;
    for (let at = log.find('ERROR'); at !== -1; at = log.find('ERROR', at + 5)) errors++;
    const lines = [...log.cursor().lines()].length;
    console.log(`errors: ${errors} of ${lines} lines`);
  }
  {
    using map = openMap(path, { access: 'write' });
    map.write('WARN', 0); // in place; the rest of the file is untouched
    map.flush();
  }
  console.log(`first line now: ${Deno.readTextFileSync(path).split('\n')[0]}`);
} finally {
  Deno.removeSync(path);
}
