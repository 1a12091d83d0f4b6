import * as z from "zod/mini";

/**
 * Attaches OpenAPI metadata to a schema (description, example, and `id` to make it a named
 * component). It lives in zod's global registry, which the document builder reads.
 * @example documented(z.string(), { example: "company_name" })
 */
export function documented<T extends z.ZodMiniType>(
  schema: T,
  data: { id?: string; description?: string; example?: unknown },
): T {
  z.globalRegistry.add(schema, data);
  return schema;
}
