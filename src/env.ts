import * as z from "zod/mini";
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

const nonEmpty = z.string().check(z.minLength(1));

export const ConfigSchema = z.object({
  DATABASE_URL: z.url(),
  LOCAL_NEON_SQL_ENDPOINT: z.optional(z.url()),
  /** No key, no LLM: unmatched keys then become new fields. */
  OPENAI_API_KEY: z.optional(nonEmpty),
  OPENAI_BASE_URL: z.optional(z.url()),
  OPENAI_MODEL: z._default(nonEmpty, "gpt-4o-mini"),
  LLM_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(30_000)), 3000),
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
