/**
 * What can go wrong in the domain, without any HTTP in it: the core and the services throw (or
 * return) these, and the edge maps each code to one status in one place (src/http/api-error.ts).
 */
export type DomainErrorCode =
  /** The request's data cannot be used as sent (a bad key, a body that is not an object, …). */
  | "INVALID_INPUT"
  /** The caller's credential is missing, unknown or revoked. */
  | "UNAUTHENTICATED"
  /** The thing does not exist for this tenant (or belongs to another: never told apart). */
  | "NOT_FOUND"
  /** It exists already or is claimed by something else (a name, an email). */
  | "CONFLICT"
  /** The tenant's definition limit would be passed. */
  | "DEFINITION_LIMIT_EXCEEDED"
  /** A dependency (database, KV) cannot be reached now; retrying later may work. */
  | "UNAVAILABLE"
  /** An Idempotency-Key sent again with another request (method, path or body). */
  | "IDEMPOTENCY_KEY_REUSED"
  /** An Idempotency-Key whose first request's answer is not stored (yet). */
  | "IDEMPOTENCY_KEY_IN_USE";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Machine-readable context for the client: the offending keys, the limit, … */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalidInput = (message: string, details?: unknown) =>
  new DomainError("INVALID_INPUT", message, details);
