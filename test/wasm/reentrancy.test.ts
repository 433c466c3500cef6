/**
 * Calls that run the caller's code and meet a map closed by it (issue 16 row 9): a
 * getter of an argument, or a PageSource method, that closes the map (and opens
 * another, which takes the closed map's memory from the pool). The call throws
 * ERR_MMAP_CLOSED, as on the native backend, and the other map's bytes stay its own.
 * The wasm cases of the sync API failed before the fix: write() "succeeded" into the next
 * map's memory, and a read through a source that closed its map went on in pooled
 * memory. The native and async cases passed before; they are here to stay that way.
 */
import { openMap, openMapAsync, type AsyncPageSource, type MemoryMap, type PageSource } from '../../src/entries/node.js';
import { tempFiles } from '../helpers/temp-files.js';

const PAGE = 4096;
const files = tempFiles('reentrancy');
let count = 0;
afterAll(() => files.cleanup());
const file = (bytes: Uint8Array) => files.file(`f-${count++}.bin`, bytes);
const backends = [['wasm', { backend: 'wasm' as const }], ['native', { backend: 'native' as const }]] as const;

/** A Uint8Array whose `length` getter runs `onLength` the first time it is read. */
function bytesThat(onLength: () => void, bytes: Uint8Array): Uint8Array {
  let ran = false;
  return new (class extends Uint8Array {
    override get length(): number {
      if (!ran) {
        ran = true;
        onLength();
      }
      return super.length;
    }
  })(bytes);
}

describe.each(backends)('%s: a getter of an argument closes the map', (_, options) => {
  let other: MemoryMap | undefined;
  afterEach(() => other?.close());

  it('write() throws ERR_MMAP_CLOSED and the next map from the pool keeps its bytes', () => {
    const path = file(new Uint8Array(8 * PAGE));
    const map = openMap(path, { ...options, access: 'write', pageSize: PAGE });
    const data = bytesThat(() => {
      map.close();
      other = openMap(new Uint8Array(8 * PAGE).fill(0x11), { backend: 'wasm', pageSize: PAGE });
    }, new Uint8Array(PAGE).fill(0xee));
    expect(() => map.write(data, 0)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_CLOSED' }));
    expect(other!.read(0).every((b) => b === 0x11)).toBe(true);
    using reopened = openMap(path);
    expect(reopened.read(0).every((b) => b === 0)).toBe(true);
  });

  it('readInto() and find() throw ERR_MMAP_CLOSED', () => {
    const path = file(new Uint8Array(8 * PAGE).fill(3));
    const map = openMap(path, { ...options, pageSize: PAGE });
    const into = bytesThat(() => map.close(), new Uint8Array(16));
    expect(() => map.readInto(into, 0)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_CLOSED' }));
    const again = openMap(path, { ...options, pageSize: PAGE });
    const needle = bytesThat(() => again.close(), new Uint8Array([3, 3]));
    expect(() => again.find(needle)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_CLOSED' }));
  });
});

describe('a PageSource method closes its own map', () => {
  it('the read throws ERR_MMAP_CLOSED, and the map opened meanwhile keeps its bytes', () => {
    let map: MemoryMap | undefined;
    let other: MemoryMap | undefined;
    const source: PageSource = {
      size: 16 * PAGE,
      read(into) {
        if (other === undefined) {
          map!.close();
          other = openMap(new Uint8Array(16 * PAGE).fill(0x22), { backend: 'wasm', pageSize: PAGE });
        }
        into.fill(0x77); // the caller's bytes land in a buffer the closed map still holds
        return into.length;
      },
    };
    map = openMap(source, { backend: 'wasm', pageSize: PAGE, maxResident: 8 * PAGE });
    expect(() => map!.read(0, 10)).toThrow(expect.objectContaining({ code: 'ERR_MMAP_CLOSED' }));
    expect(other!.read(0).every((b) => b === 0x22)).toBe(true);
    other!.close();
  });

  it('an async read rejects with ERR_MMAP_CLOSED, and the map opened meanwhile keeps its bytes', async () => {
    let map: Awaited<ReturnType<typeof openMapAsync>> | undefined;
    let other: MemoryMap | undefined;
    const source: AsyncPageSource = {
      size: 16 * PAGE,
      async read(into) {
        if (other === undefined) {
          await map!.close();
          other = openMap(new Uint8Array(16 * PAGE).fill(0x33), { backend: 'wasm', pageSize: PAGE });
        }
        into.fill(0x77);
        return into.length;
      },
    };
    map = await openMapAsync(source, { pageSize: PAGE, maxResident: 8 * PAGE });
    await expect(map.read(0, 10)).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    expect(other!.read(0).every((b) => b === 0x33)).toBe(true);
    other!.close();
  });
});
