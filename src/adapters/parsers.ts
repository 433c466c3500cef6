/**
 * A map as the byte source of four parsers, each in the shape its own source code
 * reads (docs/api.md, "Adapters"): hyparquet's AsyncBuffer, geotiff's source for
 * fromSource(), pmtiles' Source and generic-filehandle's FileHandle (the @gmod
 * readers). No parser is imported: the shapes are structural, except the
 * EtagMismatch class pmtiles' retry logic recognises, taken from the user's own
 * pmtiles when a change has to be reported.
 */
import { closed, MmapError, sourceChanged } from '../errors.js';
import { pinnedValidator } from '../map/validators.js';
import { checkMap, ownBuffer, readAsync, readClipped, sliceBounds, type AnyMap } from './bytes.js';

/** hyparquet's AsyncBuffer: slice() answers synchronously on a MemoryMap, with a Promise on an AsyncMemoryMap. */
export interface MapAsyncBuffer {
  readonly byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

/** A map as hyparquet's AsyncBuffer (parquetRead({ file }), parquetMetadataAsync(file)); slices are copies (ArrayBuffer results). */
export function asAsyncBuffer(map: AnyMap): MapAsyncBuffer {
  checkMap(map);
  return {
    get byteLength() {
      return map.byteLength;
    },
    slice(start, end) {
      const [from, to] = sliceBounds(map.byteLength, start, end);
      const bytes = readClipped(map, from, to - from);
      return bytes instanceof Promise ? bytes.then(ownBuffer) : ownBuffer(bytes);
    },
  };
}

/** The shape geotiff's fromSource() drives (its BaseSource). */
export interface MapGeoTIFFSource {
  readonly fileSize: number;
  fetch(slices: { offset: number; length: number }[], signal?: AbortSignal): Promise<ArrayBuffer[]>;
  /** One slice with its bytes (BaseSource's own method, which its fetch() calls per slice). */
  fetchSlice(slice: { offset: number; length: number }, signal?: AbortSignal): Promise<{ offset: number; length: number; data: ArrayBuffer }>;
  close(): Promise<void>;
}

/** A map as geotiff's source: `fromSource(asGeoTIFFSource(map))`; every slice is read at once, short where the map ends. */
export function asGeoTIFFSource(map: AnyMap): MapGeoTIFFSource {
  checkMap(map);
  return {
    get fileSize() {
      return map.byteLength;
    },
    async fetch(slices, signal) {
      const reads = slices.map(({ offset, length }) => readAsync(map, offset, length, signal));
      return (await Promise.all(reads)).map(ownBuffer);
    },
    async fetchSlice({ offset, length }, signal) {
      return { offset, length, data: ownBuffer(await readAsync(map, offset, length, signal)) };
    },
    async close() {
      // the map is the caller's: closing geotiff's source leaves it open
    },
  };
}

/** pmtiles' RangeResponse. */
export interface MapRangeResponse {
  data: ArrayBuffer;
  etag?: string;
}

/** pmtiles' Source. */
export interface MapPMTilesSource {
  getKey(): string;
  getBytes(offset: number, length: number, signal?: AbortSignal, etag?: string): Promise<MapRangeResponse>;
}

let keys = 0;

/**
 * pmtiles' own EtagMismatch (so its retry logic knows it), carrying the stable
 * `code` ERR_MMAP_SOURCE_CHANGED and the map's error as `cause` (pmtiles rethrows it
 * when its retry meets the same change: the map stays pinned to the object it
 * opened); undefined where pmtiles cannot be imported.
 */
async function etagMismatch(message: string, cause?: unknown): Promise<Error | undefined> {
  try {
    const name = 'pmtiles'; // a variable: bundlers leave the optional peer alone
    const { EtagMismatch } = (await import(name)) as { EtagMismatch?: new (message?: string) => Error };
    if (!EtagMismatch) return undefined;
    const error = Object.assign(new EtagMismatch(message), { code: 'ERR_MMAP_SOURCE_CHANGED' });
    if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
    return error;
  } catch {
    return undefined;
  }
}

/**
 * A map as pmtiles' Source: `new PMTiles(asPMTilesSource(map))`. The etag is the
 * remote map's pinned validator; a changed object (an etag pmtiles holds that is
 * not ours, or ERR_MMAP_SOURCE_CHANGED from the map) is pmtiles' EtagMismatch.
 */
export function asPMTilesSource(map: AnyMap, key?: string): MapPMTilesSource {
  checkMap(map);
  const ownKey = key ?? `portable-mmap:${++keys}`;
  return {
    getKey: () => ownKey,
    async getBytes(offset, length, signal, etag) {
      const pinned = pinnedValidator(map);
      if (etag !== undefined && pinned !== undefined && etag !== pinned) {
        throw (await etagMismatch(`the object's validator is ${pinned}, not ${etag}`)) ?? sourceChanged(undefined, `the etag ${etag} is not the pinned ${pinned}`);
      }
      try {
        const bytes = await readAsync(map, offset, length, signal);
        return pinned === undefined ? { data: ownBuffer(bytes) } : { data: ownBuffer(bytes), etag: pinned };
      } catch (error) {
        if (error instanceof MmapError && error.code === 'ERR_MMAP_SOURCE_CHANGED') throw (await etagMismatch(error.message, error)) ?? error;
        throw error;
      }
    },
  };
}

/** What generic-filehandle's readers (@gmod/bam, @gmod/indexedfasta, tabix, bbi, …) call. */
export interface MapFileHandle {
  read(length: number, position: number, opts?: { signal?: AbortSignal }): Promise<Uint8Array<ArrayBuffer>>;
  readFile(): Promise<Uint8Array<ArrayBuffer>>;
  readFile(options: string | { encoding: string; signal?: AbortSignal }): Promise<string>;
  readFile(options?: { signal?: AbortSignal }): Promise<Uint8Array<ArrayBuffer>>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/** A map as a generic-filehandle FileHandle: reads come back short at the end, never as errors; close() leaves the map open. */
export function asFileHandle(map: AnyMap): MapFileHandle {
  checkMap(map);
  return {
    read: (length, position, opts) => readAsync(map, position, length, opts?.signal),
    async readFile(options?: string | { encoding?: string; signal?: AbortSignal }) {
      const { encoding, signal } = typeof options === 'string' ? { encoding: options, signal: undefined } : (options ?? {});
      const bytes = await readAsync(map, 0, map.byteLength, signal);
      return encoding === undefined ? bytes : new TextDecoder(encoding === 'utf8' ? 'utf-8' : encoding).decode(bytes);
    },
    stat: async () => {
      if (map.closed) throw closed(); // a consumer that stats first must not go on against a dead map
      return { size: map.byteLength };
    },
    close: async () => undefined,
  } as MapFileHandle;
}
