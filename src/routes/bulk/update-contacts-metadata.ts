import type { Hono } from "hono";
import * as z from "zod/mini";
import { isMetadataObject, type MetadataValue } from "../../core/metadata/metadata-value";
import { objectToEntries, parseJsonValue } from "../../core/metadata/parse-json-body";
import { type ItemResult, updateContactsMetadata } from "../../core/metadata/update-contact-metadata";
import type { HonoEnv } from "../../env";
import { ApiError, type ErrorBody, ErrorBodySchema } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { withLlmTiming } from "../contacts/llm-timing";
import { FieldValueSchema, metadataObjectSchema } from "../contacts/schema";
import { errorResponses } from "../openapi-errors";
import { readJsonText } from "../read-body";

export const MAX_BULK_ITEMS = 100;

const BulkItemSchema = z.object({
  aiContactId: documented(z.string(), { example: "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11" }),
  metadata: documented(metadataObjectSchema(), { example: { companyName: "Acme" } }),
});

const BulkBodySchema = documented(
  z.object({ items: z.array(BulkItemSchema).check(z.maxLength(MAX_BULK_ITEMS)) }),
  {
    id: "BulkUpdateBody",
    description: `Up to ${MAX_BULK_ITEMS} items. A bare JSON array of items is accepted too.`,
  },
);

const BulkResultSchema = documented(
  z.object({
    results: z.array(
      z.object({
        index: z.number(),
        ai_contact_id: z.string(),
        status: documented(z.number(), { description: "200, or the item's own error status (400, 404)." }),
        fields: z.optional(z.array(FieldValueSchema)),
        error: z.optional(ErrorBodySchema.def.shape.error),
      }),
    ),
  }),
  { id: "BulkUpdateResult" },
);

export const updateContactsMetadataRoute = defineRoute({
  method: "post",
  path: "/api/public/contacts/update-metadata",
  operationId: "updateContactsMetadata",
  tags: ["Contacts"],
  summary: "Update the metadata of up to 100 contacts in one call",
  description:
    "Each item is applied exactly like update-metadata, all in one database statement and with at most one LLM call for the unknown keys of all items. An item with a bad key (400) or a missing or foreign contact (404) fails alone; the others are written. An aiContactId that appears twice is refused for its later items (400): merge them. The LLM sees each unknown key once, with its first item's value: the key's mapping applies to every item, a value it rewrote or a fact it found in free text only to that first item.",
  secured: true,
  body: { content: { "application/json": BulkBodySchema } },
  responses: {
    200: { description: "One result per item, in order.", schema: BulkResultSchema },
    ...errorResponses,
  },
});

/** Items keep their raw values (JsonNumber) for the value rules, so they are taken from the parsed body, not zod's copy. */
function itemsOf(body: MetadataValue): { aiContactId: string; metadata: MetadataValue }[] {
  const raw = Array.isArray(body) ? body : isMetadataObject(body) ? body.items : undefined;
  const checked = z.safeParse(BulkBodySchema, { items: raw });
  if (!checked.success) {
    const tooMany = Array.isArray(raw) && raw.length > MAX_BULK_ITEMS;
    throw new ApiError(
      "BAD_REQUEST",
      tooMany
        ? `at most ${MAX_BULK_ITEMS} items per request, got ${(raw as unknown[]).length}`
        : 'body must be {"items": [{"aiContactId": "...", "metadata": {...}}, ...]}',
      { issues: checked.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    );
  }
  return (raw as MetadataValue[]).map((item, index) => {
    const record = item as { readonly [key: string]: MetadataValue };
    return { aiContactId: checked.data.items[index]?.aiContactId ?? "", metadata: record.metadata ?? null };
  });
}

const errorOf = (err: ApiError): ErrorBody["error"] =>
  err.details === undefined
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, details: err.details };

export function registerUpdateContactsMetadata(app: Hono<HonoEnv>): void {
  app.post(updateContactsMetadataRoute.path, limitBody(), apiKeyAuth(), async (c) => {
    const items = itemsOf(parseJsonValue(await readJsonText(c)));
    const seen = new Set<string>();
    const duplicates = new Set<number>();
    items.forEach((item, index) => {
      if (seen.has(item.aiContactId)) {
        duplicates.add(index);
      }
      seen.add(item.aiContactId);
    });
    const accepted = items.flatMap((item, index) => (duplicates.has(index) ? [] : [{ item, index }]));
    const { results } = await withLlmTiming(c, (deps) =>
      updateContactsMetadata(deps, {
        caller: c.get("caller"),
        requestId: c.get("requestId"),
        items: accepted.map(({ item }) => ({
          contactId: item.aiContactId,
          entries: objectToEntries(item.metadata),
        })),
      }),
    );
    const byIndex = new Map<number, ItemResult>(
      accepted.map(({ index }, position) => [index, results[position] as ItemResult]),
    );
    const body = items.map((item, index) => {
      const result =
        byIndex.get(index) ??
        ({
          status: 400,
          error: new ApiError(
            "BAD_REQUEST",
            `aiContactId ${item.aiContactId} appears more than once; merge the items`,
          ),
        } as const);
      return result.status === 200
        ? { index, ai_contact_id: item.aiContactId, status: 200, fields: result.fields }
        : { index, ai_contact_id: item.aiContactId, status: result.status, error: errorOf(result.error) };
    });
    return c.json({ results: body }, 200);
  });
}
