import { DomainError } from "../core/errors";
import {
  decideEarlierClaim,
  type EarlierClaim,
  type IdempotencyClaim,
  type StoredResponse,
} from "../core/idempotency/idempotency";

/**
 * Not an error: the request's key was claimed by the same request earlier, and its answer is
 * stored. Thrown so that every service and route stays one straight line; the edge turns it into
 * the stored response (src/http/handle-error.ts), byte for byte, with `Idempotent-Replayed: true`.
 */
export class IdempotentReplay extends Error {
  constructor(readonly response: StoredResponse) {
    super("idempotent replay");
    this.name = "IdempotentReplay";
  }
}

/**
 * A write statement found the request's Idempotency-Key claimed by an earlier request (it wrote
 * nothing): the earlier answer, or why there is none. Always throws.
 */
export function answerEarlierClaim(earlier: EarlierClaim, claim: IdempotencyClaim | undefined): never {
  if (!claim) {
    throw new Error("a statement without an Idempotency-Key reported an earlier claim");
  }
  const decision = decideEarlierClaim(earlier, claim.requestHash);
  switch (decision.kind) {
    case "replay":
      throw new IdempotentReplay(decision.response);
    case "reused":
      throw new DomainError(
        "IDEMPOTENCY_KEY_REUSED",
        "this Idempotency-Key was used in the last 24 hours for another request (method, path or body differ); nothing was written",
      );
    case "in_progress":
      throw new DomainError(
        "IDEMPOTENCY_KEY_IN_USE",
        "the first request with this Idempotency-Key was applied and its answer is being stored; retry shortly",
        { retry_after_seconds: decision.retryAfterSeconds },
      );
    case "answer_lost":
      throw new DomainError(
        "IDEMPOTENCY_KEY_IN_USE",
        "the first request with this Idempotency-Key was applied, but its answer was lost and cannot be replayed; nothing was written now. Read the resource to see the result, or send a new key",
        { applied: true },
      );
  }
}
