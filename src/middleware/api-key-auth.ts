import type { MiddlewareHandler } from "hono";
import { parseApiKey } from "../core/auth/api-key";
import type { HonoEnv } from "../env";
import { ApiError } from "../errors";

/** The period of the API_KEY_RATE_LIMITER binding (wrangler.toml): the longest a caller must wait. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

const readKey = (apiKeyHeader: string | undefined, authorization: string | undefined): string | undefined => {
  if (apiKeyHeader) {
    return apiKeyHeader.trim();
  }
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return bearer?.[1];
};

/**
 * Reads the API key and its tenant claim without I/O. The claim is verified by the database in
 * the same statement as the work (or by `verifyCaller`), so a wrong key still ends as 401.
 */
export const apiKeyAuth = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const key = readKey(c.req.header("x-api-key"), c.req.header("authorization"));
  if (!key) {
    throw new ApiError("UNAUTHORIZED", "missing API key: send it in the x-api-key header");
  }
  const claim = await parseApiKey(key);
  if (!claim) {
    throw new ApiError("UNAUTHORIZED", "invalid API key");
  }
  // Before any I/O: a flood of requests with one key (even a forged one) is cut off here.
  const limiter = c.get("services").rateLimiter;
  if (limiter && !(await limiter.limit({ key: claim.hash })).success) {
    throw new ApiError("RATE_LIMITED", "rate limit of this API key exceeded; retry later", undefined, {
      "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS),
    });
  }
  c.set("caller", { tenantId: claim.tenantId, keyHash: claim.hash });
  await next();
};
