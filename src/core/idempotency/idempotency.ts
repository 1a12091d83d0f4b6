// Idempotency-Key (Stripe's contract), the pure part: which keys are valid, and what a request
// gets when its key was claimed by an earlier request.

/** 1-255 printable ASCII characters (space to tilde). */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const isValidIdempotencyKey = (key: string): boolean => VALID_KEY.test(key);

/** A response as first sent, stored to be replayed byte for byte. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

/** How long a claim may wait for its response to be stored before it counts as lost. */
export const SETTLING_SECONDS = 10;

/** The key's row as another request left it (this request did not claim it). */
export interface EarlierClaim {
  requestHash: string;
  /** Null until the earlier request's response is stored (after it was sent). */
  response: StoredResponse | null;
  /** Claimed less than SETTLING_SECONDS ago: its response is probably being stored right now. */
  settling: boolean;
}

export type ClaimDecision =
  /** Same request: the first answer again, nothing written. */
  | { kind: "replay"; response: StoredResponse }
  /** The key was used for another request (method, path or body differ): 422. */
  | { kind: "reused" }
  /** Same request, applied, its answer not stored yet: 409, retry after a second. */
  | { kind: "in_progress"; retryAfterSeconds: number }
  /**
   * Same request, applied (a claim exists only if its statement committed), but its answer never
   * reached storage (the connection dropped after the commit, or the deferred save failed): 409,
   * and retrying will not help. Re-applying it could write twice, which the key exists to prevent.
   */
  | { kind: "answer_lost" };

export function decideEarlierClaim(earlier: EarlierClaim, requestHash: string): ClaimDecision {
  if (earlier.requestHash !== requestHash) {
    return { kind: "reused" };
  }
  if (earlier.response) {
    return { kind: "replay", response: earlier.response };
  }
  return earlier.settling ? { kind: "in_progress", retryAfterSeconds: 1 } : { kind: "answer_lost" };
}

/** What a request with an Idempotency-Key asks its write statement to claim. */
export interface IdempotencyClaim {
  key: string;
  /** Hex SHA-256 of method, path and raw body. */
  requestHash: string;
  /** Unique to this request: the statement recognises its own claim by it. */
  token: string;
}
