import * as z from "zod/mini";
import type { UpdateMetadataDeps } from "./core/metadata/update-contact-metadata";
import type { Caller } from "./core/ports";
import type { WebhookStore } from "./core/webhooks/webhook-port";
import type { LlmMatcher } from "./llm-matcher/worker";

/**
 * Bindings from wrangler.toml (generated `CloudflareBindings`) plus secrets, which wrangler types
 * cannot see. Only the string settings are validated, by ConfigSchema.
 */
export interface Bindings extends Omit<CloudflareBindings, "LLM_MATCHER"> {
  DATABASE_URL?: string;
  /** Local-only (`.dev.vars`, test bindings): where the local Neon proxy listens. */
  LOCAL_NEON_SQL_ENDPOINT?: string;
  /** The LLM Worker; without it, unmatched keys become new fields. */
  LLM_MATCHER?: Service<LlmMatcher>;
}

export const ConfigSchema = z.object({
  DATABASE_URL: z.url(),
  LOCAL_NEON_SQL_ENDPOINT: z.optional(z.url()),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Everything a handler may use; built once per request by the services middleware. */
export type Services = Omit<UpdateMetadataDeps, "onLlmCall"> & {
  /** Per-API-key request limit; absent where no binding is configured. */
  rateLimiter?: RateLimit | undefined;
  webhooks: WebhookStore;
};

export interface HonoEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    services: Services;
    caller: Caller;
  };
}
