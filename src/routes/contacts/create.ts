import type { Hono } from "hono";
import * as z from "zod/mini";
import { isMetadataObject } from "../../core/metadata/metadata-value";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses, IDEMPOTENCY_ERRORS } from "../../http/error-responses";
import { IdempotencyHeadersSchema, idempotency, REPLAYED_HEADER } from "../../http/idempotency";
import { limitBody } from "../../http/limit-body";
import { respond } from "../../http/respond";
import { jsonBody, storableString } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { createContact } from "../../services/contacts";
import { ContactSchema, FieldValueSchema, metadataObjectSchema } from "./schema";

const optionalText = (max: number, example: string) =>
  z.optional(z.nullable(documented(storableString().check(z.maxLength(max)), { example })));

const CreateContactBodySchema = documented(
  z.strictObject({
    name: optionalText(1000, "Ada Lovelace"),
    email: optionalText(1000, "ada@example.com"),
    phone: optionalText(100, "+34 600 000 000"),
    metadata: z.optional(
      documented(metadataObjectSchema(), {
        description: "Stored exactly as by update-metadata.",
        example: { companyName: "Acme" },
      }),
    ),
  }),
  { id: "CreateContactBody" },
);

const CreatedContactSchema = documented(z.extend(ContactSchema, { fields: z.array(FieldValueSchema) }), {
  id: "CreatedContact",
});

export const createContactRoute = defineRoute({
  method: "post",
  path: "/api/public/contact",
  operationId: "createContact",
  tags: ["Contacts"],
  summary: "Create a contact",
  description:
    "The contact and its metadata are written by one statement: a 400 (bad key) or any failure leaves nothing behind. The body must be a JSON object; unknown properties are refused. `email` must be an email address (stored trimmed, domain lower-cased); `phone` is stored in E.164 when it carries its country (+ or 00), as sent when it is a national number (its country is unknown), and refused when it is not a phone number. Emails and phones are unique per tenant: a second contact with an existing email or phone (email compared case-insensitively, phone by its digits) is a 409 naming the contact that has it; POST /api/public/contacts/upsert updates that one instead. Retrying without an Idempotency-Key after a lost answer can create a second contact when it has no email or phone: send one.",
  secured: true,
  headers: IdempotencyHeadersSchema,
  body: { content: { "application/json": CreateContactBodySchema } },
  responses: {
    201: {
      description: "The new contact, with the metadata fields written.",
      schema: CreatedContactSchema,
      headers: REPLAYED_HEADER,
    },
    ...errorResponses(...BODY_ERRORS, "CONFLICT", "DEFINITION_LIMIT_EXCEEDED", ...IDEMPOTENCY_ERRORS),
  },
});

export function registerCreateContact(app: Hono<HonoEnv>): void {
  app.post(createContactRoute.path, limitBody(), apiKeyAuth(), idempotency(), async (c) => {
    // Checked on the parsed value (numbers are JsonNumber objects, so `name: 5` fails as not-a-string);
    // metadata is taken from the parsed value too, so its numbers keep their digits.
    const { data, parsed } = await jsonBody(c, CreateContactBodySchema);
    const metadata = isMetadataObject(parsed) ? parsed.metadata : undefined;
    const created = await createContact(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      contact: { name: data.name ?? null, email: data.email ?? null, phone: data.phone ?? null },
      entries:
        metadata !== undefined && isMetadataObject(metadata)
          ? Object.entries(metadata).map(([sourceKey, value]) => ({ sourceKey, value }))
          : [],
      idempotency: c.get("idempotency"),
    });
    return respond(c, createContactRoute, 201, created);
  });
}
