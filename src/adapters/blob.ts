/**
 * A map as a Blob: size, type, slice(), arrayBuffer(), bytes(), text() and
 * stream() read the map's pages, so any JavaScript consumer that takes a Blob
 * (zip.js' BlobReader, geotiff's fromBlob, wllama, pmtiles' FileSource) reads
 * through it without the file being loaded. The platform's own machinery does not
 * call those methods: structured cloning, postMessage, FormData and a fetch body see
 * the empty Blob underneath (huggingface's WebBlob has the same limit).
 */
import { checkMap, ownBuffer, rangeStream, readExact, sliceBounds, type AnyMap } from './bytes.js';

class MapBlob extends Blob {
  readonly #map: AnyMap;
  readonly #start: number;
  readonly #end: number;
  readonly #type: string;

  constructor(map: AnyMap, start: number, end: number, type: string) {
    super([]);
    this.#map = map;
    this.#start = start;
    this.#end = end;
    this.#type = type;
  }

  override get size(): number {
    return this.#end - this.#start;
  }

  override get type(): string {
    return this.#type;
  }

  override slice(start?: number, end?: number, contentType?: string): Blob {
    const [from, to] = sliceBounds(this.size, start, end);
    return new MapBlob(this.#map, this.#start + from, this.#start + to, contentType === undefined ? '' : String(contentType).toLowerCase());
  }

  /** A copy: ArrayBuffer results cannot alias the map. */
  override async arrayBuffer(): Promise<ArrayBuffer> {
    return ownBuffer(await this.bytes());
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return await readExact(this.#map, this.#start, this.size); // a Blob's size is a promise: short data is an error
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return rangeStream(this.#map, this.#start, this.#end) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
}

/** A Blob over the whole map (slices of it over parts); `type` as Blob's own option. */
export function asBlob(map: AnyMap, type = ''): Blob {
  checkMap(map);
  return new MapBlob(map, 0, map.byteLength, String(type).toLowerCase());
}
