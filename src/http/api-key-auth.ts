import type { Context, MiddlewareHandler } from "hono";
import { parseApiKey, type TokenKind } from "../core/auth/api-key";
import type { HonoEnv } from "../env";
import type { Caller } from "../services/ports";
import { KNOWN_CALLER_MS } from "../services/verified-callers";
import { ApiError } from "./api-error";

/** The period of the rate-limit bindings (wrangler.toml): the longest a caller must wait. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

export const WWW_AUTHENTICATE = { "WWW-Authenticate": 'ApiKey header="x-api-key", Bearer' };

const readKey = (apiKeyHeader: string | undefined, authorization: string | undefined): string | undefined => {
  if (apiKeyHeader) {
    return apiKeyHeader.trim();
  }
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return bearer?.[1];
};

/**
 * The request's credential as a caller, without I/O, after the rate limits. The claim is verified by
 * the database before any tenant-sized work, and again by every statement that writes.
 */
export async function callerFrom(
  c: Context<HonoEnv>,
  token: string,
  kind: TokenKind,
): Promise<Caller | null> {
  const claim = parseApiKey(token, kind);
  if (!claim) {
    return null;
  }
  const caller: Caller = {
    tenantId: claim.tenantId,
    keyHash: claim.hash,
    via: kind === "whk" ? "webhook" : "api_key",
  };
  await enforceRateLimits(c, caller);
  return caller;
}

/**
 * Before any I/O. Every credential has its own limit. A credential this isolate has not seen
 * confirmed costs a database round trip to check, so such attempts are also limited per client
 * address and per claimed tenant: a flood of made-up keys (one per request) is cut off there.
 */
async function enforceRateLimits(c: Context<HonoEnv>, caller: Caller): Promise<void> {
  const what = caller.via === "webhook" ? "this webhook" : "this API key";
  const checks: { limiter: RateLimit | undefined; key: string; what: string }[] = [
    { limiter: c.env.API_KEY_RATE_LIMITER, key: caller.keyHash, what },
  ];
  if (!c.get("services").isolate.verified.within(caller.keyHash, KNOWN_CALLER_MS)) {
    const client = c.req.header("cf-connecting-ip") ?? "unknown";
    checks.push(
      {
        limiter: c.env.CLIENT_RATE_LIMITER,
        key: `client:${client}`,
        what: "unverified credentials from this client",
      },
      {
        limiter: c.env.TENANT_RATE_LIMITER,
        key: `tenant:${caller.tenantId}`,
        what: "unverified credentials for this tenant",
      },
    );
  }
  const outcomes = await Promise.all(checks.map(({ limiter, key }) => limiter?.limit({ key })));
  const refused = checks.find((_, i) => outcomes[i]?.success === false);
  if (refused) {
    throw new ApiError("RATE_LIMITED", `rate limit of ${refused.what} exceeded; retry later`, undefined, {
      "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS),
    });
  }
}

/** Routes called with an API key (`x-api-key` or `Authorization: Bearer`). */
export const apiKeyAuth = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const key = readKey(c.req.header("x-api-key"), c.req.header("authorization"));
  if (!key) {
    throw new ApiError(
      "UNAUTHORIZED",
      "missing API key: send it in the x-api-key header",
      undefined,
      WWW_AUTHENTICATE,
    );
  }
  const caller = await callerFrom(c, key, "cmk");
  if (!caller) {
    throw new ApiError("UNAUTHORIZED", "invalid API key", undefined, WWW_AUTHENTICATE);
  }
  c.set("caller", caller);
  await next();
};
