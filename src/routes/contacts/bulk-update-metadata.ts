import type { Hono } from "hono";
import * as z from "zod/mini";
import { isMetadataObject, type MetadataValue } from "../../core/metadata/metadata-value";
import { objectToEntries, parseJsonValue } from "../../core/metadata/parse-json-body";
import type { HonoEnv } from "../../env";
import { ApiError, ErrorBodySchema, errorOf, fromDomainError } from "../../http/api-error";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses, IDEMPOTENCY_ERRORS } from "../../http/error-responses";
import { IdempotencyHeadersSchema, idempotency, REPLAYED_HEADER } from "../../http/idempotency";
import { limitBody } from "../../http/limit-body";
import { readJsonText } from "../../http/read-body";
import { respond } from "../../http/respond";
import { parseInput } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { type ContactItem, updateContacts } from "../../services/contacts-by-identity";
import { FieldValueSchema, metadataObjectSchema } from "./schema";

export const MAX_BULK_ITEMS = 100;

const identityText = (max: number, example: string) =>
  z.optional(z.nullable(documented(z.string().check(z.maxLength(max)), { example })));

const BulkItemSchema = documented(
  z
    .object({
      aiContactId: z.optional(documented(z.string(), { example: "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11" })),
      email: identityText(1000, "ada@example.com"),
      phone: identityText(100, "+34 600 000 000"),
      name: identityText(1000, "Ada Lovelace"),
      metadata: documented(metadataObjectSchema(), { example: { companyName: "Acme" } }),
    })
    .check(
      z.refine((item) => (item.aiContactId === undefined) !== (item.email == null && item.phone == null), {
        message: "an item names its contact by aiContactId, or by email and/or phone (not both ways)",
      }),
    ),
  {
    id: "BulkUpdateItem",
    description:
      "The contact by `aiContactId`, or by `email` and/or `phone` as POST /api/public/contacts/upsert finds it (created when none exists; `name` is stored only then).",
  },
);
const BulkItemsSchema = z.array(BulkItemSchema).check(z.maxLength(MAX_BULK_ITEMS));

const BulkBodySchema = documented(z.union([z.object({ items: BulkItemsSchema }), BulkItemsSchema]), {
  id: "BulkUpdateBody",
  description: `Up to ${MAX_BULK_ITEMS} items, as {"items": [...]} or a bare JSON array of items.`,
});

const BulkResultSchema = documented(
  z.object({
    results: z.array(
      z.object({
        index: z.int(),
        ai_contact_id: documented(z.nullable(z.string()), {
          description: "The contact written; null for an item by email or phone that was refused.",
        }),
        status: documented(z.int(), {
          description:
            "200, 201 (an item by email or phone that created its contact), or the item's own error status (400, 404, 409).",
        }),
        created: z.optional(
          documented(z.boolean(), { description: "Items by email or phone: created now." }),
        ),
        fields: z.optional(z.array(FieldValueSchema)),
        error: z.optional(ErrorBodySchema.def.shape.error),
      }),
    ),
  }),
  { id: "BulkUpdateResult" },
);

export const bulkUpdateMetadataRoute = defineRoute({
  method: "post",
  path: "/api/public/contacts/update-metadata",
  operationId: "updateContactsMetadata",
  tags: ["Contacts"],
  summary: "Update the metadata of up to 100 contacts in one call",
  description:
    "Each item is applied exactly like update-metadata (an item by email or phone exactly like POST /api/public/contacts/upsert), all in one database statement and with at most one LLM call for the unknown keys of all items. An item with a bad key, email or phone (400), a missing or foreign contact (404), or an email and a phone naming two different contacts (409) fails alone; the others are written. Two items naming the same email or phone: the later is refused (400: merge them). An aiContactId that appears twice (in any letter case) is refused for its later items (400): merge them. The LLM sees each unknown key once, with its first item's value: the key's mapping applies to every item, a value it rewrote or a fact it found in free text only to that first item. Past the tenant's definition limit the whole request is refused (422). With an Idempotency-Key, a retry gets this answer again (a request whose every item is refused by validation writes nothing and is answered afresh).",
  secured: true,
  headers: IdempotencyHeadersSchema,
  body: { content: { "application/json": BulkBodySchema } },
  responses: {
    200: {
      description: "One result per item, in order.",
      schema: BulkResultSchema,
      headers: REPLAYED_HEADER,
    },
    ...errorResponses(...BODY_ERRORS, "CONFLICT", "DEFINITION_LIMIT_EXCEEDED", ...IDEMPOTENCY_ERRORS),
  },
});

/** Items keep their raw values (JsonNumber) for the value rules, so they come from the parsed body, not zod's copy. */
function itemsOf(body: MetadataValue): ContactItem[] {
  const raw = Array.isArray(body) ? body : isMetadataObject(body) ? body.items : undefined;
  if (Array.isArray(raw) && raw.length > MAX_BULK_ITEMS) {
    throw new ApiError("BAD_REQUEST", `at most ${MAX_BULK_ITEMS} items per request, got ${raw.length}`);
  }
  const checked = parseInput(z.object({ items: BulkItemsSchema }), { items: raw });
  return checked.items.map((item, index) => {
    const record = (raw as MetadataValue[])[index] as { readonly [key: string]: MetadataValue };
    const entries = objectToEntries(record.metadata ?? null);
    return item.aiContactId === undefined
      ? { email: item.email ?? null, phone: item.phone ?? null, name: item.name ?? null, entries }
      : { aiContactId: item.aiContactId, entries };
  });
}

export function registerBulkUpdateMetadata(app: Hono<HonoEnv>): void {
  app.post(bulkUpdateMetadataRoute.path, limitBody(), apiKeyAuth(), idempotency(), async (c) => {
    const items = itemsOf(parseJsonValue(await readJsonText(c)));
    const results = await updateContacts(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      items,
      idempotency: c.get("idempotency"),
    });
    const body = results.map((result) => {
      if (result.ok) {
        const byIdentity = !("aiContactId" in (items[result.index] ?? {}));
        return {
          index: result.index,
          ai_contact_id: result.contactId,
          status: result.created ? 201 : 200,
          ...(byIdentity ? { created: result.created } : {}),
          fields: result.fields,
        };
      }
      const error = fromDomainError(result.error);
      return {
        index: result.index,
        ai_contact_id: result.contactId,
        status: error.status,
        error: errorOf(error),
      };
    });
    return respond(c, bulkUpdateMetadataRoute, 200, { results: body });
  });
}
