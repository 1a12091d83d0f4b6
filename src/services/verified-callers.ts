import { BoundedCache } from "./bounded-cache";

/**
 * Credentials (by hash) the database confirmed recently, per isolate, with when. It never lets a
 * request write: every write statement checks the credential again. It decides two things:
 * - whether the caller is known enough for tenant-sized work (reading and parsing the tenant's
 *   definitions) before that statement: a forged key never gets it, so its cost and timing cannot
 *   tell how large a tenant is;
 * - whether an LLM call may be made: only within a short window, so a revoked key can cost at most
 *   that window of LLM calls.
 */
export class VerifiedCallers {
  readonly #at: BoundedCache<number>;

  constructor(
    private readonly clock: () => number,
    options: { ttlMs: number; maxEntries: number } = { ttlMs: KNOWN_CALLER_MS, maxEntries: 10_000 },
  ) {
    this.#at = new BoundedCache({ ...options, clock });
  }

  /** Confirmed by the database within the last `ms`. */
  within(keyHash: string, ms: number): boolean {
    const at = this.#at.get(keyHash);
    return at !== undefined && this.clock() - at < ms;
  }

  remember(keyHash: string): void {
    this.#at.set(keyHash, this.clock());
  }

  /** A statement refused the credential (revoked since): it must be checked again before anything. */
  forget(keyHash: string): void {
    this.#at.delete(keyHash);
  }

  get size(): number {
    return this.#at.size;
  }
}

/** How long a confirmed credential may read its tenant's definitions without a new check. */
export const KNOWN_CALLER_MS = 5 * 60_000;
/** How long a confirmed credential may cause LLM calls: a revoked key's window (issue: at most 10 s). */
export const LLM_CALLER_MS = 10_000;
