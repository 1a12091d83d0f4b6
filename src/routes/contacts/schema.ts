import { z } from "@hono/zod-openapi";

export const ContactIdParamSchema = z.object({
  aiContactId: z.string().openapi({
    param: { name: "aiContactId", in: "path" },
    format: "uuid",
    example: "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11",
    description:
      "Id of the contact (a UUID). Anything else is treated as a contact that does not exist (404).",
  }),
});

export const FieldValueSchema = z
  .object({
    id: z
      .uuid()
      .nullable()
      .openapi({ description: "Id of the stored value; null when a cleared field had no value." }),
    ai_contact_id: z.uuid(),
    custom_field_definition_id: z.uuid(),
    key: z.string().openapi({ example: "company_name", description: "The field's key (snake_case)." }),
    value: z
      .string()
      .nullable()
      .openapi({ example: "Acme", description: "Stored string; null when cleared." }),
    source_key: z.string().openapi({ example: "companyName", description: "The key as it was sent." }),
    matched_by: z.enum(["exact", "alias", "llm", "new"]).openapi({
      description:
        "exact: the key equals a definition's key or label; alias: one of its aliases; llm: mapped by the LLM; new: a definition was created for it.",
    }),
    created_at: z.string().nullable().openapi({ example: "2026-11-25T10:00:00.000Z" }),
    updated_at: z.string().nullable().openapi({ example: "2026-11-25T10:00:00.000Z" }),
    warning: z.string().optional().openapi({
      description: "Set when something was flagged, e.g. two keys of the request landed in the same field.",
    }),
  })
  .openapi("FieldValue");
export type FieldValue = z.infer<typeof FieldValueSchema>;

export const ContactSchema = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Contact");
