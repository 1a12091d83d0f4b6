import { ErrorBodySchema, type ErrorCode, STATUS_OF } from "./api-error";

const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: "Bad request: the body or a parameter cannot be used as sent (see `error.details`).",
  UNAUTHORIZED:
    "Missing, unknown or revoked credential (the API key, or a webhook URL's token), or a webhook signature that does not verify. `WWW-Authenticate` names the API key schemes.",
  NOT_FOUND: "Not found, or owned by another tenant (the two are never told apart).",
  CONFLICT: "The name, email or phone is already claimed by something else (see `error.details`).",
  PAYLOAD_TOO_LARGE: "Body over 1 MiB, or a form with too many fields.",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported content type.",
  DEFINITION_LIMIT_EXCEEDED:
    "The request would create custom field definitions past the tenant's limit; nothing was written.",
  IDEMPOTENCY_KEY_IN_USE:
    "The Idempotency-Key's first request was applied and its answer is not stored yet: retry after Retry-After (1 s). Without Retry-After, the answer was lost and will not come: the request was applied once; read the resource, or send a new key.",
  IDEMPOTENCY_KEY_REUSED:
    "The Idempotency-Key was used in the last 24 hours for another request (another method, path or body); nothing was written.",
  RATE_LIMITED: "Too many requests for this credential, client or tenant; see the Retry-After header.",
  INTERNAL_SERVER_ERROR: "Unexpected error; nothing was written.",
  SERVICE_UNAVAILABLE:
    "The database, KV or the phone number metadata cannot be read now; nothing was written. Retry after Retry-After.",
};

/** Every authenticated route can answer these. */
const COMMON: readonly ErrorCode[] = [
  "UNAUTHORIZED",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
];

/**
 * The error responses of one operation, for the OpenAPI document: the common ones plus those the
 * route itself can produce, so a GET does not pretend to answer 413.
 * @example errorResponses("BAD_REQUEST", "NOT_FOUND")
 */
export function errorResponses(
  ...codes: ErrorCode[]
): Record<number, { description: string; schema: typeof ErrorBodySchema }> {
  const wanted = [...new Set<ErrorCode>([...COMMON, ...codes])].sort((a, b) => STATUS_OF[a] - STATUS_OF[b]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of wanted) {
    byStatus.set(STATUS_OF[code], [...(byStatus.get(STATUS_OF[code]) ?? []), code]);
  }
  // Two codes with one status (422: the definition limit, a reused Idempotency-Key) are both
  // described, each under its code.
  const describe = (shared: ErrorCode[]): string => {
    const [only] = shared;
    return shared.length === 1 && only
      ? (DESCRIPTIONS[only] ?? only)
      : shared.map((code) => `\`${code}\`: ${DESCRIPTIONS[code] ?? code}`).join(" ");
  };
  return Object.fromEntries(
    [...byStatus].map(([status, shared]) => [
      status,
      { description: describe(shared), schema: ErrorBodySchema },
    ]),
  );
}

/** The errors a write route with `Idempotency-Key` adds (src/http/idempotency.ts). */
export const IDEMPOTENCY_ERRORS: readonly ErrorCode[] = ["IDEMPOTENCY_KEY_IN_USE", "IDEMPOTENCY_KEY_REUSED"];

/** What every route that reads a body can answer on top of its own errors. */
export const BODY_ERRORS: readonly ErrorCode[] = [
  "BAD_REQUEST",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
];
