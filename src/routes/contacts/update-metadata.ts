import type { Hono } from "hono";
import * as z from "zod/mini";
import { objectToEntries } from "../../core/metadata/parse-json-body";
import { updateContactMetadata } from "../../core/metadata/update-contact-metadata";
import type { HonoEnv } from "../../env";
import { validate } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { errorResponses } from "../openapi-errors";
import { readBody } from "../read-body";
import { withLlmTiming } from "./llm-timing";
import { ContactIdParamSchema, type FieldValue, FieldValueSchema, metadataObjectSchema } from "./schema";

const MetadataBodySchema = documented(metadataObjectSchema(), {
  id: "MetadataBody",
  description:
    'Any key/value pairs, or the same object wrapped as {"metadata": {...}}. Keys become snake_case; values are stored as strings (numbers keep their exact digits, booleans become "true"/"false", objects their JSON text, arrays are joined with ", ", null clears the field). Form bodies: a repeated name is an array; file parts are rejected.',
  example: { companyName: "Acme", leadScore: 95, tags: ["vip", "beta"] },
});

export const updateMetadataRoute = defineRoute({
  method: "post",
  path: "/api/public/contact/{aiContactId}/update-metadata",
  operationId: "updateContactMetadata",
  tags: ["Contacts"],
  summary: "Add or overwrite metadata fields of a contact",
  description:
    "Additive and overwriting, all or nothing. Keys are matched to the tenant's custom field definitions (key, label or alias; case- and accent-insensitive), then by one LLM call for the keys that matched nothing, and keys that still match nothing become new text fields. Values are formatted by the field's type. One activity row is written per request with a non-empty body. The Server-Timing header reports the request's LLM calls (`llm`) and KV operations (`kv`).",
  secured: true,
  params: ContactIdParamSchema,
  body: {
    content: {
      "application/json": MetadataBodySchema,
      "application/x-www-form-urlencoded": MetadataBodySchema,
      "multipart/form-data": MetadataBodySchema,
    },
  },
  responses: {
    200: {
      description: "One object per field written, in body order. An empty body gives [].",
      schema: z.array(FieldValueSchema),
    },
    ...errorResponses,
  },
});

export function registerUpdateContactMetadata(app: Hono<HonoEnv>): void {
  // Parsed by hand rather than by a JSON validator: JSON.parse would round big numbers before we
  // could keep their digits (see core/metadata/parse-json-body.ts).
  app.post(honoPath(updateMetadataRoute), limitBody(), apiKeyAuth(), async (c) => {
    const entries = objectToEntries((await readBody(c)).body);
    const fields = await withLlmTiming(c, (deps) =>
      updateContactMetadata(deps, {
        caller: c.get("caller"),
        contactId: validate(ContactIdParamSchema, c.req.param()).aiContactId,
        requestId: c.get("requestId"),
        entries,
      }),
    );
    return c.json(fields satisfies FieldValue[], 200);
  });
}
