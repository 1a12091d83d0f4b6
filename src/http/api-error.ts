import * as z from "zod/mini";
import type { DomainError, DomainErrorCode } from "../core/errors";
import { documented } from "../openapi/documented";

/** The closed list of error codes a client can see; each maps to exactly one HTTP status. */
export const ErrorCodeSchema = z.enum([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "DEFINITION_LIMIT_EXCEEDED",
  "IDEMPOTENCY_KEY_IN_USE",
  "IDEMPOTENCY_KEY_REUSED",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const STATUS_OF = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DEFINITION_LIMIT_EXCEEDED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;
export type ErrorStatus = (typeof STATUS_OF)[ErrorCode];

export const ErrorBodySchema = documented(
  z.object({
    error: z.object({
      code: ErrorCodeSchema,
      message: documented(z.string(), { example: "contact 6f1c… not found" }),
      details: z.optional(
        documented(z.unknown(), { description: "Machine-readable context, e.g. the offending keys." }),
      ),
    }),
    request_id: documented(z.string(), {
      example: "5b0e2c1a-…",
      description: "Also sent as the x-request-id header.",
    }),
  }),
  { id: "Error" },
);
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * The one error type of the edge: only this module knows which HTTP status a code means. The core
 * and the services throw `DomainError`s, turned into this by `fromDomainError`.
 * @example throw new ApiError("NOT_FOUND", `contact ${id} not found`)
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): ErrorStatus {
    return STATUS_OF[this.code];
  }
}

/** A dependency that is down: clients should come back, not give up. */
const RETRY_AFTER_SECONDS = "5";

const CODE_OF_DOMAIN = {
  INVALID_INPUT: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  DEFINITION_LIMIT_EXCEEDED: "DEFINITION_LIMIT_EXCEEDED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  IDEMPOTENCY_KEY_IN_USE: "IDEMPOTENCY_KEY_IN_USE",
} as const satisfies Record<DomainErrorCode, ErrorCode>;

/** The only place a domain outcome becomes an HTTP status. */
export function fromDomainError(err: DomainError): ApiError {
  const code = CODE_OF_DOMAIN[err.code];
  const retryAfter = (err.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
  const headers: Record<string, string> | undefined =
    code === "SERVICE_UNAVAILABLE"
      ? { "Retry-After": RETRY_AFTER_SECONDS }
      : code === "UNAUTHORIZED"
        ? { "WWW-Authenticate": 'ApiKey header="x-api-key", Bearer' }
        : typeof retryAfter === "number"
          ? { "Retry-After": String(retryAfter) }
          : undefined;
  return new ApiError(code, err.message, err.details, headers);
}

/** The `error` member of the body, as bulk results carry it per item. */
export const errorOf = (err: { code: ErrorCode; message: string; details?: unknown }): ErrorBody["error"] =>
  err.details === undefined
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, details: err.details };
