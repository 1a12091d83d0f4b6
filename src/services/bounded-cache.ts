/**
 * A per-isolate cache bounded in entries, bytes and age. Isolates live for many requests and get
 * 128 MB: whatever a caller can make us remember (keys, tenants) must have a ceiling, and expired
 * entries must leave, not just stop being served. Oldest entries go first (Map keeps insertion order).
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, { value: V; until: number; bytes: number }>();
  #bytes = 0;

  constructor(
    private readonly options: {
      ttlMs: number;
      maxEntries: number;
      /** Bound on the sum of the sizes given to `set` (0: no byte bound). */
      maxBytes?: number;
      clock: () => number;
    },
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) {
      return undefined;
    }
    if (entry.until <= this.options.clock()) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, bytes = 0): void {
    this.delete(key);
    const maxBytes = this.options.maxBytes ?? 0;
    // One entry may not take more than a quarter of the budget: a huge tenant is read from KV
    // each time rather than pushing every other tenant out.
    if (maxBytes > 0 && bytes > maxBytes / 4) {
      return;
    }
    const now = this.options.clock();
    for (const [oldest, entry] of this.#entries) {
      const full =
        this.#entries.size >= this.options.maxEntries || (maxBytes > 0 && this.#bytes + bytes > maxBytes);
      if (!full && entry.until > now) {
        break;
      }
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    this.#entries.set(key, { value, until: now + this.options.ttlMs, bytes });
    this.#bytes += bytes;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}
