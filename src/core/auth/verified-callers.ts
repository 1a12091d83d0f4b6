/**
 * Key hashes the database has confirmed recently, per isolate. It only decides whether an LLM call
 * may be made before the write statement re-checks the key: a forged key is never in it, and a
 * revoked key is still refused by that statement, at once. The TTL bounds how long a revoked key
 * can cost one LLM call.
 */
export class VerifiedCallers {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  has(keyHash: string): boolean {
    const until = this.#until.get(keyHash);
    return until !== undefined && until > this.clock();
  }

  remember(keyHash: string): void {
    if (this.#until.size >= this.maxEntries) {
      this.#until.clear();
    }
    this.#until.set(keyHash, this.clock() + this.ttlMs);
  }
}
