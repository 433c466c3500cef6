// Node's own way to read a text file line by line: readline over fs.createReadStream, decoded
// as UTF-8. Prints the seconds of one timed pass after one warm pass.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

async function pass(path) {
  let n = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) n += line.length >= 0 ? 1 : 0;
  return n;
}

const path = process.argv[2];
await pass(path);
const start = process.hrtime.bigint();
const n = await pass(path);
if (n === 0) throw new Error('no lines');
console.log((Number(process.hrtime.bigint() - start) / 1e9).toFixed(9));
