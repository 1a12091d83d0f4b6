import type { MiddlewareHandler } from "hono";
import { createDatabase } from "../adapters/db/client";
import { createContactStore } from "../adapters/db/contact-store";
import { createFieldDefinitionStore } from "../adapters/kv/field-definition-store";
import { definitionIdFor } from "../core/fields/definition-id";
import { ConfigSchema, type HonoEnv } from "../env";
import { ApiError } from "../errors";

/** Parses the environment once per request and builds the adapters; nothing after this reads `c.env`. */
export const services = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const parsed = ConfigSchema.safeParse(c.env);
  if (!parsed.success) {
    // A deploy without DATABASE_URL is our bug, not the caller's: say so without naming settings.
    throw new ApiError("INTERNAL_SERVER_ERROR", "service is not configured");
  }
  const config = parsed.data;
  c.set("services", {
    contacts: createContactStore(createDatabase(config.DATABASE_URL, config.LOCAL_NEON_SQL_ENDPOINT)),
    fieldDefinitions: createFieldDefinitionStore(c.env.FIELDS_KV),
    now: () => new Date(),
    definitionIdFor,
  });
  await next();
};
