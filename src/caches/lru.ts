/**
 * A least-recently-used index by bytes: names and their stored sizes, in the order
 * they were last used. A Map keeps insertion order, so "use" is delete-then-set and
 * the oldest is the first key; every operation is O(1) but eviction, which pops
 * from the front until the total fits.
 */
export class LruIndex {
  private readonly sizes = new Map<string, number>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of every entry indexed. */
  get byteLength(): number {
    return this.total;
  }

  get count(): number {
    return this.sizes.size;
  }

  has(name: string): boolean {
    return this.sizes.has(name);
  }

  /** Marks `name` as just used; false if it is not indexed. */
  touch(name: string): boolean {
    const size = this.sizes.get(name);
    if (size === undefined) return false;
    this.sizes.delete(name);
    this.sizes.set(name, size);
    return true;
  }

  /**
   * Indexes `name` (again) with `size` bytes as the most recently used, and returns
   * the names evicted to stay within maxBytes (never `name` itself: a caller checks
   * that one entry fits before storing it).
   */
  add(name: string, size: number): string[] {
    this.remove(name);
    this.sizes.set(name, size);
    this.total += size;
    const evicted: string[] = [];
    for (const [oldest, bytes] of this.sizes) {
      if (this.total <= this.maxBytes || oldest === name) break;
      this.sizes.delete(oldest);
      this.total -= bytes;
      evicted.push(oldest);
    }
    return evicted;
  }

  remove(name: string): void {
    const size = this.sizes.get(name);
    if (size === undefined) return;
    this.sizes.delete(name);
    this.total -= size;
  }

  /** Names from least to most recently used. */
  names(): string[] {
    return [...this.sizes.keys()];
  }
}
