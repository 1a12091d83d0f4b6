import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { isMetadataObject, type MetadataValue } from "../../core/metadata/metadata-value";
import { normalizeEntries } from "../../core/metadata/normalize-entries";
import { parseJsonValue } from "../../core/metadata/parse-json-body";
import { updateContactMetadata } from "../../core/metadata/update-contact-metadata";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { apiKeySecurity, errorResponses } from "../openapi-errors";
import { withLlmTiming } from "./llm-timing";
import { ContactSchema, FieldValueSchema } from "./schema";

const CreateContactBodySchema = z
  .object({
    name: z.string().max(1000).optional().openapi({ example: "Ada Lovelace" }),
    email: z.string().max(1000).optional().openapi({ example: "ada@example.com" }),
    phone: z.string().max(100).optional().openapi({ example: "+34 600 000 000" }),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Stored exactly as by update-metadata.", example: { companyName: "Acme" } }),
  })
  .openapi("CreateContactBody");

const CreatedContactSchema = ContactSchema.extend({ fields: z.array(FieldValueSchema) }).openapi(
  "CreatedContact",
);

const route = createRoute({
  method: "post",
  path: "/api/public/contact",
  operationId: "createContact",
  tags: ["Contacts"],
  summary: "Create a contact",
  security: apiKeySecurity,
  request: { body: { required: true, content: { "application/json": { schema: CreateContactBodySchema } } } },
  responses: {
    201: {
      description: "The new contact, with the metadata fields written.",
      content: { "application/json": { schema: CreatedContactSchema } },
    },
    ...errorResponses,
  },
});

const asText = (v: MetadataValue | undefined, name: string): string | undefined => {
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v !== "string") {
    throw new ApiError("BAD_REQUEST", `${name} must be a string`);
  }
  return v;
};

export function registerCreateContact(app: OpenAPIHono<HonoEnv>): void {
  // Parsed by hand for the same reason as update-metadata: metadata numbers keep their digits.
  app.openAPIRegistry.registerPath(route);
  app.post("/api/public/contact", limitBody(), apiKeyAuth(), async (c) => {
    const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
    if (mediaType !== "" && mediaType !== "application/json") {
      throw new ApiError(
        "UNSUPPORTED_MEDIA_TYPE",
        `unsupported content type "${mediaType}": send application/json`,
      );
    }
    const body = parseJsonValue(await c.req.text());
    if (!isMetadataObject(body)) {
      throw new ApiError("BAD_REQUEST", "body must be a JSON object");
    }
    const metadata = body.metadata;
    if (metadata !== undefined && metadata !== null && !isMetadataObject(metadata)) {
      throw new ApiError("BAD_REQUEST", "metadata must be an object");
    }
    const entries = metadata
      ? Object.entries(metadata).map(([sourceKey, value]) => ({ sourceKey, value }))
      : [];
    // Reject bad keys before the contact exists, so a 400 leaves nothing behind.
    normalizeEntries(entries);
    const caller = c.get("caller");
    const created = await c.get("services").contacts.createContact({
      caller,
      contact: {
        name: asText(body.name, "name"),
        email: asText(body.email, "email"),
        phone: asText(body.phone, "phone"),
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
