import type { Hono } from "hono";
import * as z from "zod/mini";
import { isMetadataObject, JsonNumber, type MetadataValue } from "../../core/metadata/metadata-value";
import { parseJsonValue } from "../../core/metadata/parse-json-body";
import { MAX_FILTERS, SEARCH_OPS } from "../../core/search/filters";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses } from "../../http/error-responses";
import { limitBody } from "../../http/limit-body";
import { readJsonText } from "../../http/read-body";
import { respond } from "../../http/respond";
import { parseInput } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { searchContacts } from "../../services/contact-reads";

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 50;

const FilterSchema = documented(
  z.object({
    key: documented(z.string(), {
      description:
        "A field, named as in an update: normalised and matched to the tenant's definitions the same way (key, label, alias, `Plan` = `plan`, separators and lexicon synonyms; never the LLM). A name that matches no definition is searched as the text field of that snake_case key.",
      example: "plan",
    }),
    op: z.enum(SEARCH_OPS),
    value: z.optional(
      documented(z.nullable(z.union([z.string(), z.number(), z.boolean()])), {
        description: "Required except for exists and not_exists (which take none).",
        example: "Pro",
      }),
    ),
  }),
  { id: "SearchFilter" },
);

const SearchBodySchema = documented(
  z.object({
    filters: z.optional(z.array(FilterSchema).check(z.maxLength(MAX_FILTERS))),
    limit: z.optional(
      documented(z.int().check(z.minimum(1), z.maximum(MAX_LIMIT)), {
        description: `Contacts per page, 1-${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`,
      }),
    ),
    cursor: z.optional(
      documented(z.nullable(z.string()), { description: "`next_cursor` of the previous page, as returned." }),
    ),
  }),
  {
    id: "SearchBody",
    description: `Up to ${MAX_FILTERS} filters, all of which must hold (AND). No filters: every contact.`,
    example: { filters: [{ key: "plan", op: "eq", value: "Pro" }], limit: 50, cursor: null },
  },
);

/** What the handler checks; the filters themselves are checked by the core, which names the bad one. */
const EnvelopeSchema = z.strictObject({
  filters: z.optional(z.unknown()),
  limit: z.optional(z.nullable(z.int().check(z.minimum(1), z.maximum(MAX_LIMIT)))),
  cursor: z.optional(z.nullable(z.string())),
});

export const FoundContactSchema = documented(
  z.object({
    id: z.uuid(),
    name: z.nullable(z.string()),
    email: z.nullable(z.string()),
    phone: z.nullable(z.string()),
    metadata: documented(z.record(z.string(), z.string()), {
      description: "Every field of the contact: key -> stored value.",
      example: { plan: "Pro", lead_score: "95" },
    }),
  }),
  { id: "FoundContact" },
);

const SearchResultSchema = documented(
  z.object({
    data: z.array(FoundContactSchema),
    next_cursor: documented(z.nullable(z.string()), {
      description: "Pass as `cursor` (with the same filters) for the next page; null on the last page.",
    }),
  }),
  { id: "SearchResult" },
);

export const searchContactsRoute = defineRoute({
  method: "post",
  path: "/api/public/contacts/search",
  operationId: "searchContacts",
  tags: ["Contacts"],
  summary: "Find contacts by their fields",
  description:
    "One database round trip; contacts in id order, paged by cursor. Ops: `eq`, `neq` (the exact complement of eq: contacts without the field match it; add `exists` to leave them out), `contains` and `starts_with` (case-insensitive, on the text as stored), `exists`, `not_exists`, and `gt`, `gte`, `lt`, `lte`, which compare numbers for number fields (`9` < `10`) and dates for date and datetime fields (a date alone is its midnight; a datetime without a zone compares as if UTC). On any other field (text, select, ...) they are a 400: their text order (`9` after `10`) is never what was meant; give the field a type with PUT /api/public/custom-fields/{key}. `eq` compares the value as the field's type stores it (a number field: `10` = `10.0`; a select: its option; a boolean: `yes` = `true`), and exactly as sent when it does not fit the type (such values are stored as sent). A field's type is the one updates see (the tenant's definitions as this Worker last read them, at most 30 s old). An unknown op or a malformed filter is a 400 naming it (`filters[1].op`).",
  secured: true,
  body: { content: { "application/json": SearchBodySchema } },
  responses: {
    200: { description: "One page of matching contacts.", schema: SearchResultSchema },
    ...errorResponses(...BODY_ERRORS),
  },
});

export function registerSearchContacts(app: Hono<HonoEnv>): void {
  app.post(searchContactsRoute.path, limitBody(), apiKeyAuth(), async (c) => {
    const text = await readJsonText(c);
    const parsed: MetadataValue = parseJsonValue(text.trim() === "" ? "{}" : text);
    if (!isMetadataObject(parsed)) {
      throw new ApiError("BAD_REQUEST", 'body must be a JSON object {"filters": [...], "limit", "cursor"}');
    }
    // The filters keep their JsonNumbers (a number's exact digits); the envelope is checked with plain numbers.
    const { limit: rawLimit, ...rest } = parsed;
    const envelope = parseInput(EnvelopeSchema, {
      ...rest,
      ...(rawLimit === undefined
        ? {}
        : { limit: rawLimit instanceof JsonNumber ? Number(rawLimit.text) : rawLimit }),
    });
    const page = await searchContacts(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      filters: parsed.filters,
      limit: envelope.limit ?? DEFAULT_LIMIT,
      cursor: envelope.cursor ?? null,
    });
    return respond(c, searchContactsRoute, 200, page);
  });
}
