import type { MiddlewareHandler } from "hono";
import { setMetric } from "hono/timing";
import { createPhoneMetadataSource } from "../adapters/assets/phone-metadata";
import { webCryptoHmac } from "../adapters/crypto/hmac";
import { createActivityStore } from "../adapters/db/activity-store";
import { createDatabase } from "../adapters/db/client";
import { createCallerStore, createContactStore } from "../adapters/db/contact-store";
import { createDefinitionStore } from "../adapters/db/definition-store";
import { createIdempotencyStore } from "../adapters/db/idempotency-sql";
import { createMetadataStore } from "../adapters/db/metadata-store";
import { createSearchStore } from "../adapters/db/search-store";
import { createUsageStore } from "../adapters/db/usage-sql";
import { createWebhookEndpointStore } from "../adapters/db/webhook-endpoint-store";
import { createWebhookStore } from "../adapters/db/webhook-store";
import { createProjectionStore } from "../adapters/kv/projection-store";
import { createMatcherBinding } from "../adapters/llm/matcher-binding";
import { createEventPublisher } from "../adapters/queue/event-queue";
import type { DefinitionsSnapshot } from "../core/fields/definition";
import { NO_LLM_CALL } from "../core/matching/llm-report";
import type { TenantSpend } from "../core/usage/llm-budget";
import { ConfigSchema, type HonoEnv } from "../env";
import { BoundedCache } from "../services/bounded-cache";
import { writeProjection } from "../services/definitions";
import type { Deps, IsolateState, RequestMeter } from "../services/deps";
import { LLM_CALLER_MS, VerifiedCallers } from "../services/verified-callers";
import { ApiError } from "./api-error";
import { RATE_LIMIT_PERIOD_MS } from "./api-key-auth";

type Stores = Pick<
  Deps,
  | "metadata"
  | "contacts"
  | "reads"
  | "callers"
  | "definitions"
  | "webhooks"
  | "idempotency"
  | "usage"
  | "metering"
  | "webhookEndpoints"
  | "events"
  | "phoneMetadata"
>;

/**
 * Per isolate: workerd keeps the env as one object per isolate, so what depends only on it (config,
 * the database client, the stores) is built once, and the isolate's caches hang off it too. A test
 * that calls the Worker with an env of its own (a KV that fails, a stale one) gets fresh caches.
 */
const perEnv = new WeakMap<
  object,
  { stores: Stores; isolate: IsolateState; checkResponses: boolean; allowLoopbackWebhooks: boolean }
>();

function envState(env: HonoEnv["Bindings"]) {
  const known = perEnv.get(env);
  if (known) {
    return known;
  }
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    // A deploy without DATABASE_URL is our bug, not the caller's: say so without naming settings.
    throw new ApiError("INTERNAL_SERVER_ERROR", "service is not configured");
  }
  const config = parsed.data;
  const db = createDatabase(config.DATABASE_URL, config.LOCAL_NEON_SQL_ENDPOINT);
  const clock = () => Date.now();
  const built = {
    stores: {
      metadata: createMetadataStore(db),
      contacts: createContactStore(db),
      reads: { ...createActivityStore(db), ...createSearchStore(db) },
      callers: createCallerStore(db),
      definitions: createDefinitionStore(db),
      webhooks: createWebhookStore(db),
      idempotency: createIdempotencyStore(db),
      usage: createUsageStore(db),
      metering: config.METERING === "on",
      webhookEndpoints: createWebhookEndpointStore(db),
      events: createEventPublisher(env.EVENTS_QUEUE),
      phoneMetadata: createPhoneMetadataSource(env.ASSETS),
    },
    isolate: {
      verified: new VerifiedCallers(clock),
      // 30 s is below KV's own 60 s staleness, so this cache adds no new kind of staleness; a
      // warm isolate then serves a request whose keys all match without any KV read at all.
      snapshots: new BoundedCache<DefinitionsSnapshot>({
        ttlMs: config.ISOLATE_CACHE_TTL_MS,
        maxEntries: 1_000,
        maxBytes: 32 * 1024 * 1024,
        clock,
      }),
      floors: new BoundedCache<number>({ ttlMs: 10 * 60_000, maxEntries: 10_000, clock }),
      refreshing: new Map<string, Promise<void>>(),
      // As fresh as the key confirmation an LLM call needs anyway (see services/usage.ts).
      spend: new BoundedCache<TenantSpend>({ ttlMs: LLM_CALLER_MS, maxEntries: 10_000, clock }),
      refusing: new BoundedCache<true>({ ttlMs: RATE_LIMIT_PERIOD_MS, maxEntries: 10_000, clock }),
    },
    checkResponses: config.CHECK_RESPONSES === "true",
    allowLoopbackWebhooks: config.LOCAL_ALLOW_LOOPBACK_WEBHOOKS === "true",
  };
  perEnv.set(env, built);
  return built;
}

/**
 * The isolate state built for this env object, if any request has used it: for tests, which call
 * the Worker with an env of their own and check what its caches hold (no route exposes it).
 */
export const isolateStateOf = (env: object): IsolateState | undefined => perEnv.get(env)?.isolate;

/** Builds the request's services from the env; nothing after this reads `c.env`. */
export const services = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const { stores, isolate, checkResponses, allowLoopbackWebhooks } = envState(c.env);
  const requestId = c.get("requestId");
  const meter: RequestMeter = { kv: { reads: 0, writes: 0 }, llm: NO_LLM_CALL, usage: null };
  const log = (event: string, err: unknown) =>
    console.error(
      JSON.stringify({ request_id: requestId, event, error: err instanceof Error ? err.name : "unknown" }),
    );
  const projections = createProjectionStore(c.env.FIELDS_KV, meter.kv);
  const defer = (task: () => Promise<void>) =>
    c.executionCtx.waitUntil(
      task().catch((err: unknown) => {
        // The answer is sent; a lost projection write is repaired by the next request that sees
        // a newer version in its statement's answer.
        log("deferred_task_failed", err);
      }),
    );
  const toProject = new Map<string, DefinitionsSnapshot>();
  c.set("checkResponses", checkResponses);
  const deps: Deps = {
    ...stores,
    projections,
    hmac: webCryptoHmac,
    matcher: c.env.LLM_MATCHER ? createMatcherBinding(c.env.LLM_MATCHER) : undefined,
    isolate,
    meter,
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    allowLoopbackWebhooks,
    defer,
    projectLater: (tenantId, snapshot) => {
      const queued = toProject.get(tenantId);
      if (!queued || queued.version <= snapshot.version) {
        toProject.set(tenantId, snapshot);
      }
    },
    log,
  };
  c.set("services", deps);
  try {
    await next();
  } finally {
    for (const [tenantId, snapshot] of toProject) {
      defer(() => writeProjection(deps, tenantId, snapshot));
    }
    const { llm, kv } = meter;
    const outcome =
      llm.outcome === "ok" || llm.outcome === "skipped" ? (llm.calls > 0 ? " ok" : "") : ` ${llm.outcome}`;
    setMetric(c, "llm", llm.durationMs, `calls=${llm.calls}${outcome}`);
    setMetric(c, "kv", `reads=${kv.reads} writes=${kv.writes}`);
  }
};
