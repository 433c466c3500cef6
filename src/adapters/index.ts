/**
 * portable-mmap/adapters: a MemoryMap or AsyncMemoryMap as the byte source of the
 * parsers of big files (docs/api.md, "Adapters"). Each adapter leaves the map open.
 */
export { asAsyncBuffer, asFileHandle, asGeoTIFFSource, asPMTilesSource } from './parsers.js';
export type { MapAsyncBuffer, MapFileHandle, MapGeoTIFFSource, MapPMTilesSource, MapRangeResponse } from './parsers.js';
export { asBlob } from './blob.js';
export { asFetch } from './fetch.js';
export type { MapFetch } from './fetch.js';
