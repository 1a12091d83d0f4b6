import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { updateContactMetadata } from "../../core/metadata/update-contact-metadata";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { apiKeySecurity, errorResponses } from "../openapi-errors";
import { withLlmTiming } from "./llm-timing";
import { readMetadataBody } from "./read-metadata-body";
import { ContactIdParamSchema, type FieldValue, FieldValueSchema } from "./schema";

const MetadataBodySchema = z.record(z.string(), z.unknown()).openapi("MetadataBody", {
  description:
    'Any key/value pairs, or the same object wrapped as {"metadata": {...}}. Keys become snake_case; values are stored as strings (numbers keep their exact digits, booleans become "true"/"false", objects their JSON text, arrays are joined with ", ", null clears the field).',
  example: { companyName: "Acme", leadScore: 95, tags: ["vip", "beta"] },
});

export const updateMetadataRoute = createRoute({
  method: "post",
  path: "/api/public/contact/{aiContactId}/update-metadata",
  operationId: "updateContactMetadata",
  tags: ["Contacts"],
  summary: "Add or overwrite metadata fields of a contact",
  description:
    "Additive and overwriting, all or nothing. Keys are matched to the tenant's custom field definitions (key, label or alias; case- and accent-insensitive); keys that match none become new text fields. One activity row is written per request with a non-empty body.",
  security: apiKeySecurity,
  request: {
    params: ContactIdParamSchema,
    body: {
      required: true,
      content: {
        "application/json": { schema: MetadataBodySchema },
        "application/x-www-form-urlencoded": { schema: MetadataBodySchema },
        "multipart/form-data": { schema: MetadataBodySchema },
      },
    },
  },
  responses: {
    200: {
      description: "One object per field written, in body order. An empty body gives [].",
      content: { "application/json": { schema: z.array(FieldValueSchema) } },
    },
    ...errorResponses,
  },
});

export function registerUpdateContactMetadata(app: OpenAPIHono<HonoEnv>): void {
  // Documented through zod, but parsed by hand: zod-openapi's JSON validator would re-parse the body
  // with JSON.parse and round big numbers before we could keep their digits.
  app.openAPIRegistry.registerPath(updateMetadataRoute);
  app.post("/api/public/contact/:aiContactId/update-metadata", limitBody(), apiKeyAuth(), async (c) => {
    const entries = await readMetadataBody(c);
    const fields = await withLlmTiming(c, (deps) =>
      updateContactMetadata(deps, {
        caller: c.get("caller"),
        contactId: c.req.param("aiContactId"),
        requestId: c.get("requestId"),
        entries,
      }),
    );
    return c.json(fields satisfies FieldValue[], 200);
  });
}
