import type { MiddlewareHandler } from "hono";
import { setMetric } from "hono/timing";
import { createDatabase } from "../adapters/db/client";
import { createContactStore } from "../adapters/db/contact-store";
import { createWebhookStore } from "../adapters/db/webhook-store";
import {
  createFieldDefinitionStore,
  type KvUsage,
  TenantRecordCache,
} from "../adapters/kv/field-definition-store";
import { createMatcherBinding } from "../adapters/llm/matcher-binding";
import { VerifiedCallers } from "../core/auth/verified-callers";
import { definitionIdFor } from "../core/fields/definition-id";
import { formatValue } from "../core/format/format-value";
import type { ContactStore } from "../core/ports";
import type { WebhookStore } from "../core/webhooks/webhook-port";
import { ConfigSchema, type HonoEnv } from "../env";
import { ApiError } from "../errors";

// Module scope = per isolate: survives across requests, so a known key skips re-verification
// before an LLM call (see VerifiedCallers for why that is safe).
const verifiedCallers = new VerifiedCallers(60_000, () => Date.now());
const tenantRecords = new TenantRecordCache(30_000, () => Date.now());

/**
 * Config and the database client depend only on the env, which workerd keeps as one object per
 * isolate: parse and build them once, not on every request.
 */
const perEnv = new WeakMap<object, { contacts: ContactStore; webhooks: WebhookStore }>();

function envServices(env: HonoEnv["Bindings"]): { contacts: ContactStore; webhooks: WebhookStore } {
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
  const built = { contacts: createContactStore(db), webhooks: createWebhookStore(db) };
  perEnv.set(env, built);
  return built;
}

/** Builds the request's services from the env; nothing after this reads `c.env`. */
export const services = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const { contacts, webhooks } = envServices(c.env);
  const requestId = c.get("requestId");
  const kvUsage: KvUsage = { reads: 0, writes: 0 };
  c.set("services", {
    contacts,
    fieldDefinitions: createFieldDefinitionStore(c.env.FIELDS_KV, kvUsage, tenantRecords),
    now: () => new Date(),
    definitionIdFor,
    formatValue: (definition, value, hints) => formatValue(definition, value, hints),
    matcher: c.env.LLM_MATCHER ? createMatcherBinding(c.env.LLM_MATCHER) : undefined,
    verifiedCallers,
    rateLimiter: c.env.API_KEY_RATE_LIMITER,
    webhooks,
    logError: (event, err) =>
      console.error(
        JSON.stringify({ request_id: requestId, event, error: err instanceof Error ? err.name : "unknown" }),
      ),
  });
  try {
    await next();
  } finally {
    setMetric(c, "kv", `reads=${kvUsage.reads} writes=${kvUsage.writes}`);
  }
};
