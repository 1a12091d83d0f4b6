import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { ApiError, validate } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { errorResponses } from "../openapi-errors";
import { ContactIdParamSchema, ContactSchema, FieldValueSchema } from "./schema";

export const ContactInfoSchema = documented(
  z.extend(ContactSchema, {
    metadata: documented(z.record(z.string(), z.string()), {
      description: "Field key -> stored value.",
      example: { company_name: "Acme", lead_score: "95" },
    }),
    fields: documented(z.array(FieldValueSchema), {
      description: "The full field value objects, ordered by key.",
    }),
  }),
  { id: "ContactInfo" },
);
export type ContactInfo = z.infer<typeof ContactInfoSchema>;

export const getContactInfoRoute = defineRoute({
  method: "get",
  path: "/api/public/contact/{aiContactId}/info",
  operationId: "getContactInfo",
  tags: ["Contacts"],
  summary: "Get a contact with all its metadata",
  description:
    "One database round trip: the key check, the contact and all its field values travel together.",
  secured: true,
  params: ContactIdParamSchema,
  responses: { 200: { description: "The contact.", schema: ContactInfoSchema }, ...errorResponses },
});

export function registerGetContactInfo(app: Hono<HonoEnv>): void {
  app.get(honoPath(getContactInfoRoute), apiKeyAuth(), async (c) => {
    const { aiContactId } = validate(ContactIdParamSchema, c.req.param());
    const result = await c
      .get("services")
      .contacts.getContactInfo({ caller: c.get("caller"), contactId: aiContactId });
    if (result.status === "unauthorized") {
      throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
    }
    if (result.status === "contact_not_found") {
      throw new ApiError("NOT_FOUND", `contact ${aiContactId} not found`);
    }
    const metadata: Record<string, string> = Object.create(null);
    for (const field of result.fields) {
      if (field.value !== null) {
        metadata[field.key] = field.value;
      }
    }
    const body: ContactInfo = { ...result.contact, metadata, fields: result.fields };
    return c.json(body, 200);
  });
}
