/** Maps of HTTP objects: bytes, coalescing and read-ahead (from the server's request log), validators, server refusals. */
import { ascii } from '../../conformance/harness.js';
import { collect, rng, rangeLength, rangeStart, type AsyncCase } from '../harness.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const PAGE = 64 * KiB;

export const remoteCases: AsyncCase[] = [
  {
    name: 'opens with one probe that brings the first page, and counts it in stats().requests',
    async run(f, t) {
      const mark = await f.mark();
      const map = await f.open(f.url('big.bin'));
      const bytes = await f.bytes('big.bin');
      t.equal(map.byteLength, bytes.length, 'byteLength');
      t.equal(await map.read(0, 1000), bytes.subarray(0, 1000), 'the first page');
      const log = await f.requests(mark);
      t.equal(log.map((r) => [r.method, r.status, r.range]), [['GET', 206, `bytes=0-${PAGE - 1}`]], 'requests');
      t.equal(map.stats().requests, 1, 'stats().requests');
      await map.close();
    },
  },
  {
    name: 'random ranges of a 64 MiB object read byte for byte, identity and windowed, one at a time and concurrently',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const next = rng(0x5eed);
      const ranges = Array.from({ length: 40 }, () => {
        const length = 1 + next(300 * KiB);
        return { offset: next((bytes.length - length)), length };
      });
      for (const options of [{}, { pageSize: 16 * KiB, maxResident: 2 * MiB }]) {
        const map = await f.open(f.url('big.bin'), options);
        for (const { offset, length } of ranges.slice(0, 20)) t.equal(await map.read(offset, length), bytes.subarray(offset, offset + length), `read(${offset}, ${length})`);
        const targets = ranges.map(({ length }) => new Uint8Array(length));
        const counts = await Promise.all(ranges.map(({ offset }, i) => map.readInto(targets[i], offset)));
        ranges.forEach(({ offset, length }, i) => {
          t.equal(counts[i], length, 'readInto() count');
          t.equal(targets[i], bytes.subarray(offset, offset + length), `readInto(…, ${offset})`);
        });
        t.equal(await map.read(bytes.length - 10), bytes.subarray(bytes.length - 10), 'the last bytes');
        await map.close();
      }
    },
  },
  {
    name: 'find() and rfind() near the end, across a page boundary, with few requests',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const end = bytes.length;
      const map = await f.open(f.url('big.bin'));
      const mark = await f.mark();
      const tail = bytes.subarray(end - 40, end - 20);
      t.equal(await map.find(tail, end - 300 * KiB), end - 40, 'find() near the end');
      t.equal(await map.rfind(tail), end - 40, 'rfind() over the whole map');
      const straddling = bytes.subarray(end - PAGE - 10, end - PAGE + 10);
      t.equal(await map.find(straddling, end - 2 * PAGE), end - PAGE - 10, 'find() across a page boundary');
      t.equal(await map.rfind(straddling, end - 3 * PAGE), end - PAGE - 10, 'rfind() across a page boundary');
      t.equal(await map.find(tail, end - 30), -1, 'not wholly inside the range');
      const log = await f.requests(mark);
      t.equal(log.length <= 6, true, `at most 6 requests (${log.length}: ${log.map((r) => r.range).join(', ')})`);
      await map.close();
    },
  },
  {
    name: 'a 4 MiB sequential read at 64 KiB pages takes at most 8 requests: read-ahead doubles',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const map = await f.open(f.url('big.bin'), { pageSize: PAGE });
      const mark = await f.mark();
      const chunk = new Uint8Array(PAGE);
      for (let offset = 0; offset < 4 * MiB; offset += PAGE) {
        await map.readInto(chunk, offset);
        t.equal(chunk, bytes.subarray(offset, offset + PAGE), `chunk at ${offset}`);
      }
      // In the order of the file: read-ahead windows overlap in time, so the log (completion order) may differ.
      const ranges = (await f.requests(mark)).map((r) => r.range).sort((a, b) => rangeStart(a) - rangeStart(b));
      const lengths = ranges.map(rangeLength);
      t.equal(lengths.length >= 2 && lengths.length <= 8, true, `2 to 8 requests, not ${lengths.length} (${ranges.join(', ')})`);
      t.equal(lengths.every((length, i) => i === 0 || length > lengths[i - 1]), true, `each request larger than the one before it (${ranges.join(', ')})`);
      await map.close();
    },
  },
  {
    name: 'adjacent missing pages are fetched in one Range request',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const map = await f.open(f.url('big.bin'));
      const mark = await f.mark();
      const offset = MiB + 5;
      t.equal(await map.read(offset, 2 * MiB), bytes.subarray(offset, offset + 2 * MiB), 'bytes');
      const log = await f.requests(mark);
      t.equal(log.map((r) => r.range), [`bytes=${MiB}-${3 * MiB + PAGE - 1}`], 'one request for the 33 pages');
      await map.close();
    },
  },
  {
    name: 'random reads fetch one page each: read-ahead shrinks back after a sequential run',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const map = await f.open(f.url('big.bin'), { pageSize: 16 * KiB });
      for (let offset = 0; offset < MiB; offset += 16 * KiB) await map.read(offset, 16 * KiB); // read-ahead grows
      const mark = await f.mark();
      const next = rng(7);
      for (let i = 0; i < 12; i++) {
        const offset = 8 * MiB + next(50 * MiB);
        t.equal(await map.read(offset, 4 * KiB), bytes.subarray(offset, offset + 4 * KiB), `read at ${offset}`);
      }
      const log = await f.requests(mark);
      t.equal(log.length <= 12 + 2, true, `about one request per read (${log.length})`);
      const lengths = log.map((r) => rangeLength(r.range));
      t.equal(lengths.slice(-8).every((length) => length <= 2 * 16 * KiB), true, `the last requests bring at most two pages (${lengths.join(', ')})`);
      await map.close();
    },
  },
  {
    name: 'concurrent reads of one page share one request',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const map = await f.open(f.url('big.bin'));
      const mark = await f.mark();
      const base = 40 * PAGE;
      const reads = await Promise.all(Array.from({ length: 10 }, (_, i) => map.read(base + i * 1000, 500)));
      reads.forEach((read, i) => t.equal(read, bytes.subarray(base + i * 1000, base + i * 1000 + 500), `read ${i}`));
      t.equal((await f.requests(mark)).map((r) => r.range), [`bytes=${base}-${base + PAGE - 1}`], 'one request');
      await map.close();
    },
  },
  {
    name: 'an object replaced while mapped fails the next fetch with ERR_MMAP_SOURCE_CHANGED',
    async run(f, t) {
      await f.replace('changing.bin', ascii('a'.repeat(300_000)));
      const map = await f.open(f.url('changing.bin'));
      t.equal(await map.read(0, 3), ascii('aaa'), 'before');
      await f.replace('changing.bin', ascii('b'.repeat(300_000)));
      await t.rejectsCode(map.read(200_000, 3), 'ERR_MMAP_SOURCE_CHANGED', 'after');
      await map.close();
    },
  },
  {
    name: 'a server that compresses or ignores Range is refused at open, a missing object fails with its status',
    async run(f, t) {
      const unsupported = async (url: string, reason: string) => {
        try {
          await f.open(url);
        } catch (error) {
          t.equal([(error as { code?: string }).code, (error as { reason?: string }).reason], ['ERR_MMAP_SOURCE_UNSUPPORTED', reason], url);
          return;
        }
        throw new Error(`${url} opened`);
      };
      if (f.refusesUnadvertisedEncoding) {
        await t.rejectsCode(f.open(f.url('text.txt', 'gzip')), 'ERR_MMAP_SOURCE_FAILED', 'gzip, refused by the runtime itself');
      } else {
        await unsupported(f.url('text.txt', 'gzip'), 'content-encoding');
      }
      await unsupported(f.url('text.txt', 'norange'), 'no-range');
      const missing = f.url('missing.bin');
      const error = await f.open(missing).then(() => undefined, (e: unknown) => e as { code: string; status: number; url: string });
      t.equal([error?.code, error?.status, error?.url], ['ERR_MMAP_SOURCE_FAILED', 404, missing], 'a 404');
    },
  },
  {
    name: 'headers from options and from a Request reach the server with every request',
    async run(f, t) {
      let mark = await f.mark();
      const map = await f.open(f.url('small.bin'), { headers: { 'X-Custom': 'from-options', Authorization: 'Bearer t0ken' } });
      await map.read(100_000, 10);
      // This map's object only: a request of the case before (an aborted one, say) may be logged after the mark under load.
      const ofSmall = async (since: number) => (await f.requests(since)).filter((r) => r.path === '/files/small.bin');
      const log = await ofSmall(mark);
      t.equal(log.length, 2, 'probe and one read');
      t.equal(log.every((r) => r.custom === 'from-options' && r.authorization === 'Bearer t0ken'), true, 'headers on every request');
      await map.close();
      mark = await f.mark();
      const request = new Request(f.url('small.bin'), { headers: { 'X-Custom': 'from-request' } });
      const other = await f.open(request, { pageSize: 4096 });
      await other.read(200_000, 10);
      t.equal((await ofSmall(mark)).map((r) => r.custom), ['from-request', 'from-request'], "a Request's own headers");
      await other.close();
    },
  },
  {
    name: 'a tiny maxResident evicts pages and fetches them again when touched',
    async run(f, t) {
      const bytes = await f.bytes('small.bin');
      const pageSize = 4096;
      const map = await f.open(f.url('small.bin'), { pageSize, maxResident: 8 * pageSize });
      t.equal(map.stableViews, false, 'windowed');
      for (let page = 0; page < 40; page += 2) {
        t.equal(await map.read(page * pageSize, 100), bytes.subarray(page * pageSize, page * pageSize + 100), `page ${page}`);
        t.equal(map.residency().residentBytes <= 8 * pageSize, true, 'within maxResident');
      }
      const mark = await f.mark();
      t.equal(await map.read(2 * pageSize, 100), bytes.subarray(2 * pageSize, 2 * pageSize + 100), 'an evicted page');
      // (read-ahead of the loop above may still be under way: count only requests for this page)
      const again = (await f.requests(mark)).filter((r) => {
        const match = /^bytes=(\d+)-(\d+)$/.exec(r.range);
        return match !== null && Number(match[1]) <= 2 * pageSize && Number(match[2]) >= 2 * pageSize;
      });
      t.equal(again.length, 1, 'fetched again');
      const stats = map.stats();
      t.equal(stats.evictions > 0 && stats.faults > 20, true, `evictions ${stats.evictions}, faults ${stats.faults}`);
      await map.close();
    },
  },
  {
    name: 'load() makes a range usable synchronously: at(), typed getters and view(); elsewhere ERR_MMAP_NOT_LOADED',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const expected = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (const options of [{}, { pageSize: 4096, maxResident: 16 * 4096 }]) {
        const map = await f.open(f.url('big.bin'), options);
        const offset = 5 * MiB - 6; // straddles a page boundary
        t.throwsCode(() => map.at(offset), 'ERR_MMAP_NOT_LOADED', 'at() before load()');
        t.throwsCode(() => map.getUint32(offset), 'ERR_MMAP_NOT_LOADED', 'getUint32() before load()');
        t.throwsCode(() => map.view(offset, 4), map.stableViews ? 'ERR_MMAP_NOT_LOADED' : 'ERR_MMAP_UNSTABLE_VIEW', 'view() before load()');
        await map.load(offset, 100);
        t.equal(map.at(offset), bytes[offset], 'at()');
        t.equal(map.getUint32(offset + 3, true), expected.getUint32(offset + 3, true), 'getUint32() across the boundary');
        t.equal(map.getFloat64(offset + 1), expected.getFloat64(offset + 1), 'getFloat64()');
        t.equal(map.getBigInt64(offset + 50, true), expected.getBigInt64(offset + 50, true), 'getBigInt64()');
        t.equal(map.getInt16(offset + 98), expected.getInt16(offset + 98), 'getInt16() at the end of the loaded range');
        if (map.stableViews) t.equal(map.view(offset, 100), bytes.subarray(offset, offset + 100), 'view()');
        else t.throwsCode(() => map.view(offset, 100), 'ERR_MMAP_UNSTABLE_VIEW', 'view() of a windowed map');
        t.throwsCode(() => map.getUint8(offset + 200_000), 'ERR_MMAP_NOT_LOADED', 'elsewhere');
        t.throwsCode(() => map.getUint8(map.byteLength), 'ERR_OUT_OF_RANGE', 'past the end');
        t.equal(map.at(map.byteLength), undefined, 'at() past the end');
        await map.load(map.byteLength - 1, 10);
        t.equal(map.at(-1), bytes[bytes.length - 1], 'at(-1)');
        await map.close();
      }
    },
  },
  {
    name: "'copy' maps keep their changes private: nothing but GETs reach the server",
    async run(f, t) {
      const bytes = await f.bytes('small.bin');
      const mark = await f.mark();
      const map = await f.open(f.url('small.bin'), { access: 'copy', pageSize: 4096, maxResident: 16 * 4096 });
      t.equal(await map.write('hello', 1000), 5, 'write()');
      await map.fill(7, 50_000, 10_000);
      await map.move(100_000, 0, 2000);
      await (map.cursor(200_000)).write('cursor');
      t.equal(await map.read(1000, 5), ascii('hello'), 'the write');
      t.equal(await map.read(50_000, 10_000), new Uint8Array(10_000).fill(7), 'the fill');
      const moved = bytes.slice(0, 2000);
      moved.set(ascii('hello'), 1000);
      t.equal(await map.read(100_000, 2000), moved, 'the move');
      t.equal(await map.read(200_000, 6), ascii('cursor'), 'the cursor write');
      await map.flush();
      // a change that would pin all but one frame is refused before any byte changes
      await t.rejectsCode(map.fill(1, 150_000, 16 * 4096 - 1), 'ERR_MMAP_NO_MEMORY', 'over the budget');
      t.equal(await map.read(150_000, 100), bytes.subarray(150_000, 150_100), 'unchanged');
      await map.close();
      t.equal((await f.requests(mark)).every((r) => r.method === 'GET'), true, 'only GETs');
      const fresh = await f.open(f.url('small.bin'));
      t.equal(await fresh.read(1000, 5), bytes.subarray(1000, 1005), 'the object is unchanged');
      await fresh.close();
      await t.rejectsCode(f.open(f.url('small.bin'), { access: 'write' }), 'ERR_MMAP_READ_ONLY', "'write'");
    },
  },
  {
    name: 'aborting the signal rejects pending calls with an AbortError and fails later ones',
    async run(f, t) {
      const controller = new AbortController();
      const map = await f.open(f.faultUrl({ mode: 'slow', delay: 5000 }), { signal: controller.signal, pageSize: 4096 });
      const pending = map.read(100_000, 10);
      const load = map.load(200_000, 10);
      controller.abort();
      await t.rejectsCode(pending, 'AbortError', 'pending read()');
      await t.rejectsCode(load, 'AbortError', 'pending load()');
      await t.rejectsCode(map.read(0, 10), 'AbortError', 'a later read()');
      await map.close();
      const aborted = new AbortController();
      aborted.abort();
      await t.rejectsCode(f.open(f.url('small.bin'), { signal: aborted.signal }), 'AbortError', 'open with an aborted signal');
    },
  },
  {
    name: 'timeout bounds each request: a server that never answers fails with ERR_MMAP_SOURCE_FAILED',
    async run(f, t) {
      // 1 s: ample for a loaded machine to answer the probe, well short of the 5 s the server stalls.
      const map = await f.open(f.faultUrl({ mode: 'slow', delay: 5000 }), { timeout: 1000, pageSize: 4096 });
      await t.rejectsCode(map.read(100_000, 10), 'ERR_MMAP_SOURCE_FAILED', 'read()');
      t.equal((await map.read(10, 3)).length, 3, 'the first page came with the probe');
      await map.close();
    },
  },
  {
    name: 'a stream keeps its own lease: it outlives close(), also as a Response body',
    async run(f, t) {
      const bytes = await f.bytes('big.bin');
      const map = await f.open(f.url('big.bin'), { pageSize: 16 * KiB, maxResident: MiB });
      const stream = map.stream(10, 3 * MiB);
      const body = new Response(map.stream(5 * MiB, 100_000));
      await map.close();
      t.equal(map.closed, true, 'closed');
      t.throwsCode(() => map.stream(), 'ERR_MMAP_CLOSED', 'stream() after close()');
      t.equal(await collect(stream), bytes.subarray(10, 10 + 3 * MiB), 'the stream');
      t.equal(new Uint8Array(await body.arrayBuffer()), bytes.subarray(5 * MiB, 5 * MiB + 100_000), 'the Response');
    },
  },
  {
    name: 'the cursor reads lines, lines() as an async iterator, and seeks',
    async run(f, t) {
      const text = await f.bytes('text.txt');
      const map = await f.open(f.url('text.txt'), { pageSize: 4096, maxResident: 8 * 4096 });
      const expected: Uint8Array[] = [];
      for (let at = 0; at < text.length; ) {
        const end = text.indexOf(0x0a, at) + 1;
        expected.push(text.subarray(at, end));
        at = end;
      }
      const cursor = map.cursor();
      t.equal(await cursor.readLine(), expected[0], 'readLine()');
      let count = 1;
      for await (const line of cursor.lines()) t.equal(line, expected[count++], `line ${count}`);
      t.equal(count, expected.length, 'every line');
      t.equal(await cursor.readLine(), new Uint8Array(0), 'empty at the end');
      t.equal(cursor.seek(-5, 'end'), text.length - 5, 'seek()');
      t.equal(await cursor.read(), text.subarray(text.length - 5), 'read() to the end');
      t.equal(await cursor.readByte(), undefined, 'readByte() at the end');
      cursor.position = 5;
      t.equal(await cursor.readByte(), text[5], 'readByte()');
      await t.rejectsCode(cursor.write('x'), 'ERR_MMAP_READ_ONLY', "write() on a 'read' map");
      await map.close();
      await t.rejectsCode(cursor.read(1), 'ERR_MMAP_CLOSED', 'read() after close()');
      t.throwsCode(() => cursor.lines(), 'ERR_MMAP_CLOSED', 'lines() after close()');
    },
  },
  {
    name: "the cursor's lines({ encoding }) yields the lines decoded, as an async iterator",
    async run(f, t) {
      const text = await f.bytes('text.txt');
      const map = await f.open(f.url('text.txt'), { pageSize: 4096, maxResident: 8 * 4096 });
      const got: string[] = [];
      for await (const line of map.cursor().lines({ encoding: 'utf8' })) got.push(line);
      t.equal(got.join(''), new TextDecoder().decode(text), 'the whole text, line by line');
      t.equal(got.every((line) => line.endsWith('\n')), true, 'each with its newline');
      const latin1: string[] = [];
      for await (const line of map.cursor(text.length - 20).lines({ encoding: 'latin1' })) latin1.push(line);
      t.equal(latin1.join(''), Array.from(text.subarray(text.length - 20), (b) => String.fromCharCode(b)).join(''), 'latin1 from a position');
      t.throwsCode(() => map.cursor().lines({ encoding: 'utf16' as 'utf8' }), 'ERR_INVALID_ARG_VALUE');
      const open = map.cursor().lines({ encoding: 'utf8' });
      t.equal((await open.next()).value, got[0], 'a live iterator');
      await map.close();
      // its next line is in the chunk it holds: it must still notice the close
      await t.rejectsCode(open.next(), 'ERR_MMAP_CLOSED', 'next() after close()');
    },
  },
  {
    name: 'an empty object maps as a zero-length map',
    async run(f, t) {
      const map = await f.open(f.url('empty.bin'));
      t.equal(map.byteLength, 0, 'byteLength');
      t.equal(await map.read(0), new Uint8Array(0), 'read()');
      t.equal(await map.find('x'), -1, 'find()');
      await map.close();
    },
  },
];
