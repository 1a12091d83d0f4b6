import type { Context, MiddlewareHandler } from "hono";
import { parseApiKey, type TokenKind } from "../core/auth/api-key";
import { DomainError } from "../core/errors";
import type { HonoEnv } from "../env";
import type { Caller } from "../services/ports";
import { KNOWN_CALLER_MS } from "../services/verified-callers";
import { ApiError } from "./api-error";

/** The period of the rate-limit bindings (wrangler.toml): the longest a caller must wait. */
const RATE_LIMIT_PERIOD_SECONDS = 60;
export const RATE_LIMIT_PERIOD_MS = RATE_LIMIT_PERIOD_SECONDS * 1000;

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

const limited = (what: string) =>
  new ApiError("RATE_LIMITED", `rate limit of ${what} exceeded; retry later`, undefined, {
    "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS),
  });

/** The client's address as Cloudflare saw it (`CF-Connecting-IP` cannot be set by the client there). */
const clientKey = (c: Context<HonoEnv>) => `client:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
const tenantKey = (caller: Caller) => `tenant:${caller.tenantId}`;

/**
 * Before any I/O. Every credential has its own limit. A credential this isolate has not seen
 * confirmed costs a database round trip to check, so a client address or a claimed tenant that has
 * had too many credentials refused (see `credentialRefused`) gets a 429 for it here, before that
 * round trip: a flood of made-up keys is cut off after the limit, while a busy shared address
 * (Zapier, a form builder) sending many tenants' valid credentials is never held back by it.
 */
async function enforceRateLimits(c: Context<HonoEnv>, caller: Caller): Promise<void> {
  const what = caller.via === "webhook" ? "this webhook" : "this API key";
  const { isolate } = c.get("services");
  if (!isolate.verified.within(caller.keyHash, KNOWN_CALLER_MS)) {
    if (isolate.refusing.get(clientKey(c))) {
      throw limited("refused credentials from this client");
    }
    if (isolate.refusing.get(tenantKey(caller))) {
      throw limited("refused credentials for this tenant");
    }
  }
  const outcome = await c.env.API_KEY_RATE_LIMITER?.limit({ key: caller.keyHash });
  if (outcome?.success === false) {
    throw limited(what);
  }
}

/**
 * After a statement refused a well-formed credential (made up, revoked): it is forgotten by this
 * isolate (a revoked key must be checked again before an LLM call), and the refusal is counted
 * against the client's address and the claimed tenant (CLIENT_RATE_LIMITER, TENANT_RATE_LIMITER).
 * Past either limit, this isolate answers that address's or tenant's unconfirmed credentials with
 * 429 for the period, without asking the database.
 */
export async function credentialRefused(c: Context<HonoEnv>, caller: Caller): Promise<void> {
  const { isolate } = c.get("services");
  isolate.verified.forget(caller.keyHash);
  const checks = [
    { limiter: c.env.CLIENT_RATE_LIMITER, key: clientKey(c) },
    { limiter: c.env.TENANT_RATE_LIMITER, key: tenantKey(caller) },
  ];
  const outcomes = await Promise.all(checks.map(({ limiter, key }) => limiter?.limit({ key })));
  checks.forEach(({ key }, i) => {
    if (outcomes[i]?.success === false) {
      isolate.refusing.set(key, true);
    }
  });
}

/** Whether a request ended with its credential refused (see `credentialRefused`). */
export const refusedCredential = (err: unknown): boolean =>
  err instanceof DomainError && err.code === "UNAUTHENTICATED";

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
  // Hono hands a thrown error to onError and keeps it on c.error; the answer is already built.
  if (refusedCredential(c.error)) {
    await credentialRefused(c, caller);
  }
};
