import * as z from "zod/mini";
import { documented as meta } from "../../openapi/documented";

export const FieldTypeSchema = meta(
  z.enum(["text", "number", "boolean", "date", "datetime", "email", "phone", "url", "select"]),
  { description: "How values of the field are formatted before they are stored." },
);
export type FieldType = z.infer<typeof FieldTypeSchema>;

export const FieldDefinitionSchema = meta(
  z.object({
    id: meta(z.uuid(), { description: "Stable id, derived from the tenant and the key." }),
    key: meta(z.string(), { example: "company_name" }),
    label: meta(z.string(), { example: "Company name" }),
    type: FieldTypeSchema,
    description: z.optional(meta(z.string(), { example: "Legal name of the contact's employer" })),
    options: z.optional(meta(z.array(z.string()), { description: "Allowed values of a select field." })),
    aliases: meta(z.array(z.string()), {
      description: "Other keys that land in this field (snake_case).",
      example: ["empresa"],
    }),
    created_at: meta(z.string(), { example: "2026-11-25T10:00:00.000Z" }),
    updated_at: meta(z.string(), { example: "2026-11-25T10:00:00.000Z" }),
  }),
  { id: "CustomFieldDefinition" },
);
export type FieldDefinition = z.infer<typeof FieldDefinitionSchema>;
