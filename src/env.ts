import { z } from "@hono/zod-openapi";
import type { Caller, ContactStore, FieldDefinitionStore } from "./core/ports";

/**
 * Bindings from wrangler.toml (generated `CloudflareBindings`) plus secrets, which wrangler types
 * cannot see. Only the string settings are validated, by ConfigSchema.
 */
export interface Bindings extends CloudflareBindings {
  DATABASE_URL?: string;
  /** Local-only (`.dev.vars`, test bindings): where the local Neon proxy listens. */
  LOCAL_NEON_SQL_ENDPOINT?: string;
}

export const ConfigSchema = z.object({
  DATABASE_URL: z.string().url(),
  LOCAL_NEON_SQL_ENDPOINT: z.string().url().optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export interface Services {
  contacts: ContactStore;
  fieldDefinitions: FieldDefinitionStore;
  /** Injected so tests and the core never read the wall clock on their own. */
  now: () => Date;
  definitionIdFor: (tenantId: string, key: string) => Promise<string>;
}

export interface HonoEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    services: Services;
    caller: Caller;
  };
}
