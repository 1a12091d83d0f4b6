import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { getContactInfo } from "../../services/contacts";
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
  responses: {
    200: { description: "The contact.", schema: ContactInfoSchema },
    ...errorResponses("NOT_FOUND"),
  },
});

export function registerGetContactInfo(app: Hono<HonoEnv>): void {
  app.get(honoPath(getContactInfoRoute), apiKeyAuth(), valid("param", ContactIdParamSchema), async (c) => {
    const info = await getContactInfo(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      contactId: c.req.valid("param").aiContactId,
    });
    return respond(c, getContactInfoRoute, 200, info);
  });
}
