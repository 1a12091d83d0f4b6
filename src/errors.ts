import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod/mini";
import { documented } from "./openapi/documented";

/** The closed list of error codes a client can see; each maps to exactly one HTTP status. */
export const ErrorCodeSchema = z.enum([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

const statusOf = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;

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
 * The one error type of the service. Core code throws it with a code; only this module knows
 * which HTTP status a code means.
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

  get status(): (typeof statusOf)[ErrorCode] {
    return statusOf[this.code];
  }
}

const codeOfStatus = (status: number): ErrorCode => {
  const found = (Object.entries(statusOf) as [ErrorCode, number][]).find(([, s]) => s === status);
  if (found) {
    return found[0];
  }
  return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
};

export function errorBody(c: Context, code: ErrorCode, message: string, details?: unknown): ErrorBody {
  const requestId: string = c.get("requestId") ?? "";
  return {
    error: details === undefined ? { code, message } : { code, message, details },
    request_id: requestId,
  };
}

/** Turns anything thrown into the single error body shape; unknown errors become an opaque 500. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    if (err.code === "INTERNAL_SERVER_ERROR" || err.code === "SERVICE_UNAVAILABLE") {
      console.error(JSON.stringify({ request_id: c.get("requestId"), code: err.code, message: err.message }));
    }
    return c.json(errorBody(c, err.code, err.message, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const code = codeOfStatus(err.status);
    return c.json(errorBody(c, code, err.message || code.toLowerCase().replaceAll("_", " ")), statusOf[code]);
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

/** Validates input with a route's schema; failures use the same body as every other error. */
export function validate<T extends z.ZodMiniType>(schema: T, value: unknown): z.infer<T> {
  const result = z.safeParse(schema, value);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  throw new ApiError(
    "BAD_REQUEST",
    issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
    {
      issues,
    },
  );
}
