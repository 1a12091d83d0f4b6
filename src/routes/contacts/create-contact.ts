import type { Hono } from "hono";
import * as z from "zod/mini";
import { isMetadataObject } from "../../core/metadata/metadata-value";
import { normalizeEntries } from "../../core/metadata/normalize-entries";
import { parseJsonValue } from "../../core/metadata/parse-json-body";
import { updateContactMetadata } from "../../core/metadata/update-contact-metadata";
import type { HonoEnv } from "../../env";
import { ApiError, validate } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { errorResponses } from "../openapi-errors";
import { readJsonText } from "../read-body";
import { withLlmTiming } from "./llm-timing";
import { ContactSchema, FieldValueSchema, metadataObjectSchema } from "./schema";

const optionalText = (max: number, example: string) =>
  z.optional(z.nullable(documented(z.string().check(z.maxLength(max)), { example })));

const CreateContactBodySchema = documented(
  z.object({
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
  description: "Metadata keys are validated before the contact is created, so a 400 leaves nothing behind.",
  secured: true,
  body: { content: { "application/json": CreateContactBodySchema } },
  responses: {
    201: { description: "The new contact, with the metadata fields written.", schema: CreatedContactSchema },
    ...errorResponses,
  },
});

export function registerCreateContact(app: Hono<HonoEnv>): void {
  // Parsed by hand for the same reason as update-metadata: metadata numbers keep their digits.
  app.post(createContactRoute.path, limitBody(), apiKeyAuth(), async (c) => {
    const body = parseJsonValue(await readJsonText(c));
    // Validated on the parsed value: numbers are JsonNumber objects, so `name: 5` fails as not-a-string.
    const contact = validate(CreateContactBodySchema, body);
    const metadata = isMetadataObject(body) ? body.metadata : undefined;
    const entries = metadata
      ? Object.entries(metadata).map(([sourceKey, value]) => ({ sourceKey, value }))
      : [];
    // Reject bad keys before the contact exists, so a 400 leaves nothing behind.
    normalizeEntries(entries);
    const caller = c.get("caller");
    const created = await c.get("services").contacts.createContact({
      caller,
      contact: {
        name: contact.name ?? undefined,
        email: contact.email ?? undefined,
        phone: contact.phone ?? undefined,
      },
    });
    if (created.status === "unauthorized") {
      throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
    }
    const fields =
      entries.length === 0
        ? []
        : await withLlmTiming(c, (deps) =>
            updateContactMetadata(deps, {
              caller,
              contactId: created.contact.id,
              requestId: c.get("requestId"),
              entries,
            }),
          );
    return c.json({ ...created.contact, fields }, 201);
  });
}
