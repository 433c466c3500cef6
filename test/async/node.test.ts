/** What only Node can show: fs.openAsBlob, and examples/edge-worker.mjs run from the built package (`import 'portable-mmap'`). */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMapAsync } from '../../src/entries/node.js';
import { DIST_URL, ensureBuilt, ROOT } from '../helpers/native-build.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';

const bytes = randomFillSync(new Uint8Array(3 * 1024 * 1024 + 77));
let dir: string;
let nginx: Nginx;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portable-mmap-async-'));
  nginx = await startNginx((root) => writeFileSync(join(root, 'files', 'object.bin'), bytes));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await nginx?.stop();
});

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe('openMapAsync() of fs.openAsBlob()', () => {
  it('maps the file: random reads and find()', async () => {
    const path = join(dir, 'data.bin');
    writeFileSync(path, bytes);
    const map = await openMapAsync(await openAsBlob(path), { pageSize: 16_384, maxResident: 1 << 20 });
    expect(map.byteLength).toBe(bytes.length);
    for (let i = 0; i < 20; i++) {
      const offset = Math.floor(Math.random() * bytes.length);
      const read = await map.read(offset, 100_000);
      expect(same(read, bytes.subarray(offset, offset + 100_000))).toBe(true);
    }
    expect(await map.find(bytes.subarray(bytes.length - 20))).toBe(bytes.length - 20);
    await map.close();
  });

  it('fails with ERR_MMAP_SOURCE_CHANGED once the file changed', async () => {
    const path = join(dir, 'changing.bin');
    writeFileSync(path, bytes.subarray(0, 100_000));
    const map = await openMapAsync(await openAsBlob(path), { pageSize: 4096 });
    expect((await map.read(0, 10)).length).toBe(10);
    appendFileSync(path, 'more');
    await expect(map.read(50_000, 10)).rejects.toMatchObject({ code: 'ERR_MMAP_SOURCE_CHANGED' });
    await map.close();
  });
});

describe('examples/edge-worker.mjs', () => {
  it("answers with a slice of the remote object, streamed after the map's close()", () => {
    ensureBuilt();
    const script = `
      await import(${JSON.stringify(DIST_URL)});
      const { default: worker } = await import(${JSON.stringify(new URL('examples/edge-worker.mjs', `file://${ROOT}`).href)});
      const response = await worker.fetch(new Request('http://worker.test/?offset=1000&length=300000'), { DATA_URL: ${JSON.stringify(nginx.url('/files/object.bin'))} });
      const body = new Uint8Array(await response.arrayBuffer());
      process.stdout.write(JSON.stringify({ status: response.status, length: response.headers.get('x-object-length'),
        tail: response.headers.get('x-object-tail'), body: Buffer.from(body).toString('base64') }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
    expect(out.status).toBe(200);
    expect(Number(out.length)).toBe(bytes.length);
    expect(out.tail).toBe(Buffer.from(bytes.subarray(bytes.length - 8)).toString('hex'));
    expect(same(Buffer.from(out.body, 'base64'), bytes.subarray(1000, 301_000))).toBe(true);
  });
});
