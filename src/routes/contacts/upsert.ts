import type { Hono } from "hono";
import * as z from "zod/mini";
import { isMetadataObject } from "../../core/metadata/metadata-value";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses, IDEMPOTENCY_ERRORS } from "../../http/error-responses";
import { IdempotencyHeadersSchema, idempotency, REPLAYED_HEADER } from "../../http/idempotency";
import { limitBody } from "../../http/limit-body";
import { respond } from "../../http/respond";
import { jsonBody } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { upsertContact } from "../../services/contacts-by-identity";
import { FieldValueSchema, metadataObjectSchema } from "./schema";

const optionalText = (max: number, example: string, description: string) =>
  z.optional(z.nullable(documented(z.string().check(z.maxLength(max)), { example, description })));

export const IDENTITY_DESCRIPTION =
  "The contact is the tenant's contact with this email (compared case-insensitively, trimmed), else the one with this phone (compared in E.164: write it with + or 00 and its country code). None: it is created with the email, phone and name sent. One found: the metadata is applied to it; its own name, email and phone are left as they are. Email and phone naming two different contacts: 409 naming both, nothing written.";

const UpsertBodySchema = documented(
  z.strictObject({
    email: optionalText(1000, "ada@example.com", "An email or a phone (or both) is required."),
    phone: optionalText(100, "+34 600 000 000", "E.164 once normalised: + or 00 and the country code."),
    name: optionalText(1000, "Ada Lovelace", "Stored only when the contact is created."),
    metadata: z.optional(
      documented(metadataObjectSchema(), {
        description: "Stored exactly as by update-metadata.",
        example: { plan: "Pro", leadScore: 95 },
      }),
    ),
  }),
  { id: "UpsertContactBody" },
);

const UpsertResultSchema = documented(
  z.object({
    id: z.uuid(),
    created: documented(z.boolean(), { description: "True when this request created the contact (201)." }),
    fields: z.array(FieldValueSchema),
  }),
  { id: "UpsertContactResult" },
);

export const upsertContactRoute = defineRoute({
  method: "post",
  path: "/api/public/contacts/upsert",
  operationId: "upsertContact",
  tags: ["Contacts"],
  summary: "Update the contact with this email or phone, creating it if there is none",
  description: `${IDENTITY_DESCRIPTION} The metadata is applied exactly as update-metadata applies it (matching, LLM, formatting, one activity row), in the same single statement as the lookup and the creation: all or nothing. Emails and phones are unique per tenant (a unique index), so concurrent upserts of one new email create one contact. The Server-Timing header reports LLM calls and KV operations, as for update-metadata.`,
  secured: true,
  headers: IdempotencyHeadersSchema,
  body: { content: { "application/json": UpsertBodySchema } },
  responses: {
    200: { description: "Found and updated.", schema: UpsertResultSchema, headers: REPLAYED_HEADER },
    201: { description: "Created.", schema: UpsertResultSchema, headers: REPLAYED_HEADER },
    ...errorResponses(...BODY_ERRORS, "CONFLICT", "DEFINITION_LIMIT_EXCEEDED", ...IDEMPOTENCY_ERRORS),
  },
});

export function registerUpsertContact(app: Hono<HonoEnv>): void {
  app.post(upsertContactRoute.path, limitBody(), apiKeyAuth(), idempotency(), async (c) => {
    const { data, parsed } = await jsonBody(c, UpsertBodySchema);
    // From the parsed value, so numbers keep their digits (as POST /contact does).
    const metadata = isMetadataObject(parsed) ? parsed.metadata : undefined;
    const result = await upsertContact(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      email: data.email ?? null,
      phone: data.phone ?? null,
      name: data.name ?? null,
      idempotency: c.get("idempotency"),
      entries:
        metadata !== undefined && isMetadataObject(metadata)
          ? Object.entries(metadata).map(([sourceKey, value]) => ({ sourceKey, value }))
          : [],
    });
    return result.created
      ? respond(c, upsertContactRoute, 201, result)
      : respond(c, upsertContactRoute, 200, result);
  });
}
