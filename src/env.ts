import * as z from "zod/mini";
import type { EventQueue } from "./adapters/queue/event-queue";
import type { IdempotencyClaim } from "./core/idempotency/idempotency";
import type { LlmMatcher } from "./llm-matcher/worker";
import type { Deps } from "./services/deps";
import type { Caller } from "./services/ports";

/**
 * Bindings from wrangler.toml (generated `CloudflareBindings`) plus secrets, which wrangler types
 * cannot see. Only the string settings are validated, by ConfigSchema.
 */
export interface Bindings extends Omit<CloudflareBindings, "LLM_MATCHER" | "USAGE_EVENTS" | "EVENTS_QUEUE"> {
  DATABASE_URL?: string;
  /** Local-only (`.dev.vars`, test bindings): where the local Neon proxy listens. */
  LOCAL_NEON_SQL_ENDPOINT?: string;
  /** Local-only: check every 2xx body against its route's response schema (tests and `npm run dev`). */
  CHECK_RESPONSES?: string;
  /** Benchmark-only: how long an isolate keeps a tenant's definitions (0: read KV every request). */
  ISOLATE_CACHE_TTL_MS?: string;
  /** The LLM Worker; without it, unmatched keys become new fields. */
  LLM_MATCHER?: Service<LlmMatcher>;
  /** One Analytics Engine data point per request (dashboards); without it, none are written. */
  USAGE_EVENTS?: AnalyticsEngineDataset;
  /** `off`: no usage rows, spend or data points (only to measure metering's cost; default on). */
  METERING?: string;
  /** Local-only (`.dev.vars`, test bindings): `true` lets webhook endpoints be http on 127.0.0.1/localhost. */
  LOCAL_ALLOW_LOOPBACK_WEBHOOKS?: string;
  /** Change events to the events Worker; without it, only the sweep would carry them. */
  EVENTS_QUEUE?: EventQueue;
}

export const ConfigSchema = z.object({
  DATABASE_URL: z.url(),
  LOCAL_NEON_SQL_ENDPOINT: z.optional(z.url()),
  CHECK_RESPONSES: z.optional(z.enum(["true", "false"])),
  LOCAL_ALLOW_LOOPBACK_WEBHOOKS: z.optional(z.enum(["true", "false"])),
  ISOLATE_CACHE_TTL_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(60_000)), 30_000),
  METERING: z._default(z.enum(["on", "off"]), "on"),
});
export type Config = z.infer<typeof ConfigSchema>;

export interface HonoEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    services: Deps;
    caller: Caller;
    checkResponses: boolean;
    /** The request's Idempotency-Key claim (src/http/idempotency.ts); absent without the header. */
    idempotency: IdempotencyClaim | undefined;
  };
}
