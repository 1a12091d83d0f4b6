import { z } from "@hono/zod-openapi";
import type { UpdateMetadataDeps } from "./core/metadata/update-contact-metadata";
import type { Caller } from "./core/ports";

/**
 * Bindings from wrangler.toml (generated `CloudflareBindings`) plus secrets, which wrangler types
 * cannot see. Only the string settings are validated, by ConfigSchema.
 */
export interface Bindings extends CloudflareBindings {
  DATABASE_URL?: string;
  /** Local-only (`.dev.vars`, test bindings): where the local Neon proxy listens. */
  LOCAL_NEON_SQL_ENDPOINT?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  LLM_TIMEOUT_MS?: string;
}

export const ConfigSchema = z.object({
  DATABASE_URL: z.string().url(),
  LOCAL_NEON_SQL_ENDPOINT: z.string().url().optional(),
  /** No key, no LLM: unmatched keys then become new fields. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().max(30_000).default(3000),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Everything a handler may use; built once per request by the services middleware. */
export type Services = Omit<UpdateMetadataDeps, "onLlmCall">;

export interface HonoEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    services: Services;
    caller: Caller;
  };
}
