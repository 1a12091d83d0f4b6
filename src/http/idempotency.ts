import type { Context, MiddlewareHandler } from "hono";
import type { StatusCode } from "hono/utils/http-status";
import * as z from "zod/mini";
import {
  type IdempotencyClaim,
  isValidIdempotencyKey,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  type StoredResponse,
} from "../core/idempotency/idempotency";
import type { HonoEnv } from "../env";
import { documented } from "../openapi/documented";
import { ApiError } from "./api-error";

export const IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

const encoder = new TextEncoder();

/** Hex SHA-256 of `METHOD path?query`, a newline, and the body's bytes exactly as received. */
async function requestHash(method: string, url: string, body: Uint8Array): Promise<string> {
  const { pathname, search } = new URL(url);
  const head = encoder.encode(`${method} ${pathname}${search}\n`);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `Idempotency-Key` for a write route (Stripe's contract), after `apiKeyAuth()`: validates the
 * header (1-255 printable ASCII, else 400 before anything happens), hashes method, path and raw
 * body, and hands the route a claim (`c.get("idempotency")`) for its service to pass to the ONE
 * statement that writes (src/adapters/db/idempotency-sql.ts). That statement claims the key, or
 * reports the earlier request holding it (answered by src/services/idempotency.ts). After a 2xx
 * answer has been sent, it is stored for replays (`defer`, off the request's path): until then a
 * retry gets a 409 to retry. Non-2xx answers are never stored: a request that fails before or in
 * its statement leaves no claim, so its retry is processed.
 */
export const idempotency = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) {
    c.set("idempotency", undefined);
    await next();
    return;
  }
  if (!isValidIdempotencyKey(key)) {
    throw new ApiError(
      "BAD_REQUEST",
      `Idempotency-Key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
      { header: "Idempotency-Key" },
    );
  }
  const deps = c.get("services");
  // Hono keeps the body it read: the route reads the same bytes again, from memory.
  const body = new Uint8Array(await c.req.arrayBuffer());
  const claim: IdempotencyClaim = {
    key,
    requestHash: await requestHash(c.req.method, c.req.url, body),
    token: deps.newId(),
  };
  c.set("idempotency", claim);
  await next();
  const res = c.res;
  if (res.status < 200 || res.status > 299 || res.headers.has(IDEMPOTENT_REPLAYED)) {
    return;
  }
  // Our bodies are small JSON texts already in memory: taken whole (no tee that an unread answer
  // could stall) and sent on as the same bytes.
  const bytes = new Uint8Array(await res.arrayBuffer());
  c.res = new Response(bytes, res);
  const response: StoredResponse = {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: new TextDecoder().decode(bytes),
  };
  const caller = c.get("caller");
  // A save that fails leaves the claim without an answer: retries then get a 409 saying so.
  deps.defer(() => deps.idempotency.saveResponse({ caller, claim, response }));
};

/**
 * The stored first answer, byte for byte (status, body, content type), marked as a replay. Through
 * the context, so this request's own headers (x-request-id, Server-Timing) are added as usual.
 */
export const replayedResponse = (c: Context, stored: StoredResponse): Response =>
  c.newResponse(stored.body, stored.status as StatusCode, {
    "content-type": stored.contentType,
    [IDEMPOTENT_REPLAYED]: "true",
  });

/** For the OpenAPI document: the header parameter, and the replay marker on 2xx answers. */
export const IdempotencyHeadersSchema = z.object({
  "Idempotency-Key": z.optional(
    documented(z.string().check(z.minLength(1), z.maxLength(MAX_IDEMPOTENCY_KEY_LENGTH)), {
      description:
        "Makes the request safe to retry (Stripe's contract): 1-255 printable ASCII characters, e.g. a UUID, scoped to the API key and kept 24 hours. The first request is processed; a later one with the same key, method, path and body gets the first answer again, byte for byte, with `Idempotent-Replayed: true`, and writes nothing. The same key with another request is a 422 (IDEMPOTENCY_KEY_REUSED). While the first answer is being stored, or a concurrent request holds the key, a 409 (IDEMPOTENCY_KEY_IN_USE) with Retry-After. Errors are not stored: a request that failed (400, 404, 422, 503...) can be retried with the same key and is processed.",
      example: "5c0f7d8e-3b1a-4c9d-9f2e-7a6b5c4d3e21",
    }),
  ),
});

export const REPLAYED_HEADER = {
  [IDEMPOTENT_REPLAYED]: {
    description:
      "`true` when this is the stored first answer to an earlier request with the same Idempotency-Key.",
    schema: z.literal("true"),
  },
};
