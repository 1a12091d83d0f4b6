import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError } from "../core/errors";
import { IdempotentReplay } from "../services/idempotency";
import { ApiError, type ErrorBody, type ErrorCode, fromDomainError, STATUS_OF } from "./api-error";
import { replayedResponse } from "./idempotency";

export function errorBody(c: Context, code: ErrorCode, message: string, details?: unknown): ErrorBody {
  const requestId: string = c.get("requestId") ?? "";
  return {
    error: details === undefined ? { code, message } : { code, message, details },
    request_id: requestId,
  };
}

const codeOfStatus = (status: number): ErrorCode => {
  const found = (Object.entries(STATUS_OF) as [ErrorCode, number][]).find(([, s]) => s === status);
  if (found) {
    return found[0];
  }
  return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
};

/** Turns anything thrown into the single error body shape; unknown errors become an opaque 500. */
export function handleError(thrown: Error, c: Context): Response {
  if (thrown instanceof IdempotentReplay) {
    // Not an error: the first answer to this Idempotency-Key, as it was sent.
    return replayedResponse(c, thrown.response);
  }
  const err = thrown instanceof DomainError ? fromDomainError(thrown) : thrown;
  if (err instanceof ApiError) {
    if (err.code === "INTERNAL_SERVER_ERROR" || err.code === "SERVICE_UNAVAILABLE") {
      console.error(JSON.stringify({ request_id: c.get("requestId"), code: err.code, message: err.message }));
    }
    return c.json(errorBody(c, err.code, err.message, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const code = codeOfStatus(err.status);
    return c.json(
      errorBody(c, code, err.message || code.toLowerCase().replaceAll("_", " ")),
      STATUS_OF[code],
    );
  }
  // Logged for us, never returned. Drizzle's message carries the SQL and its parameters (key
  // hashes, customer values), so only the database's own code and the stack frames are logged.
  const cause = err.cause as { code?: unknown } | undefined;
  console.error(
    JSON.stringify({
      request_id: c.get("requestId"),
      error: err.name,
      db_code: typeof cause?.code === "string" ? cause.code : undefined,
      frames: err.stack
        ?.split("\n")
        .filter((line) => line.trimStart().startsWith("at "))
        .slice(0, 8),
    }),
  );
  return c.json(errorBody(c, "INTERNAL_SERVER_ERROR", "internal server error"), 500);
}
