import type { Hono } from "hono";
import * as z from "zod/mini";
import { objectToEntries } from "../../core/metadata/parse-json-body";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses, IDEMPOTENCY_ERRORS } from "../../http/error-responses";
import { IdempotencyHeadersSchema, idempotency, REPLAYED_HEADER } from "../../http/idempotency";
import { limitBody } from "../../http/limit-body";
import { readBody } from "../../http/read-body";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { updateContact } from "../../services/update-metadata";
import { ContactIdParamSchema, FieldValueSchema, metadataObjectSchema } from "./schema";

const MetadataBodySchema = documented(metadataObjectSchema(), {
  id: "MetadataBody",
  description:
    'Any key/value pairs, or the same object wrapped as {"metadata": {...}}. Keys become snake_case (accents folded, NFKC); a key that converts to nothing (e.g. "!!!") or is longer than 255 characters is a 400. Values are stored as strings (numbers keep their exact digits, booleans become "true"/"false", objects their JSON text, arrays are joined with ", ", null clears the field). Form bodies: a repeated name is an array; file parts are rejected; at most 10,000 fields.',
  example: { companyName: "Acme", leadScore: 95, tags: ["vip", "beta"] },
});

export const updateMetadataRoute = defineRoute({
  method: "post",
  path: "/api/public/contact/{aiContactId}/update-metadata",
  operationId: "updateContactMetadata",
  tags: ["Contacts"],
  summary: "Add or overwrite metadata fields of a contact",
  description:
    "Additive and overwriting, all or nothing. Keys are matched to the tenant's custom field definitions (key, label or alias, case-, accent- and separator-insensitive; then a built-in multilingual lexicon), then by one LLM call for the keys that matched nothing, and keys that still match nothing become new text fields (refused with 422 past the tenant's definition limit). Values are formatted by the field's type. One activity row is written per request with a non-empty body. The Server-Timing header reports the request's LLM calls (`llm`; `calls=0 budget` when the tenant's monthly LLM token budget is spent: unmatched keys then become new fields, each with a warning) and KV operations (`kv`). Send an Idempotency-Key to retry safely.",
  secured: true,
  params: ContactIdParamSchema,
  headers: IdempotencyHeadersSchema,
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
      headers: REPLAYED_HEADER,
    },
    ...errorResponses(...BODY_ERRORS, "NOT_FOUND", "DEFINITION_LIMIT_EXCEEDED", ...IDEMPOTENCY_ERRORS),
  },
});

export function registerUpdateContactMetadata(app: Hono<HonoEnv>): void {
  // The body is parsed by our reader, not a JSON validator: JSON.parse would round big numbers
  // before we could keep their digits (see core/metadata/parse-json-body.ts).
  app.post(
    honoPath(updateMetadataRoute),
    limitBody(),
    apiKeyAuth(),
    valid("param", ContactIdParamSchema),
    idempotency(),
    async (c) => {
      const entries = objectToEntries((await readBody(c)).body);
      const fields = await updateContact(c.get("services"), {
        caller: c.get("caller"),
        requestId: c.get("requestId"),
        contactId: c.req.valid("param").aiContactId,
        entries,
        idempotency: c.get("idempotency"),
      });
      return respond(c, updateMetadataRoute, 200, fields);
    },
  );
}
