/**
 * The validator a remote map pinned at open (its ETag, else its Last-Modified), kept
 * beside the map rather than on it: openMapAsync() records it, and the adapters
 * (src/adapters/) hand it to parsers that compare validators themselves (pmtiles).
 */
const pinned = new WeakMap<object, string>();

export function pinValidator(map: object, validator: string | undefined): void {
  if (validator !== undefined) pinned.set(map, validator);
}

export function pinnedValidator(map: object): string | undefined {
  return pinned.get(map);
}
