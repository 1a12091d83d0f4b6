import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { apiKeySecurity, errorResponses } from "../openapi-errors";
import { ContactIdParamSchema, ContactSchema, FieldValueSchema } from "./schema";

export const ContactInfoSchema = ContactSchema.extend({
  metadata: z.record(z.string(), z.string()).openapi({
    description: "Field key -> stored value.",
    example: { company_name: "Acme", lead_score: "95" },
  }),
  fields: z.array(FieldValueSchema).openapi({ description: "The full field value objects, ordered by key." }),
}).openapi("ContactInfo");
export type ContactInfo = z.infer<typeof ContactInfoSchema>;

const route = createRoute({
  method: "get",
  path: "/api/public/contact/{aiContactId}/info",
  operationId: "getContactInfo",
  tags: ["Contacts"],
  summary: "Get a contact with all its metadata",
  security: apiKeySecurity,
  middleware: [apiKeyAuth()] as const,
  request: { params: ContactIdParamSchema },
  responses: {
    200: { description: "The contact.", content: { "application/json": { schema: ContactInfoSchema } } },
    ...errorResponses,
  },
});

export function registerGetContactInfo(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const { aiContactId } = c.req.valid("param");
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
    return c.json({ ...result.contact, metadata, fields: result.fields }, 200);
  });
}
