import { z } from "@hono/zod-openapi";

export const FieldTypeSchema = z
  .enum(["text", "number", "boolean", "date", "datetime", "email", "phone", "url", "select"])
  .openapi({ description: "How values of the field are formatted before they are stored." });
export type FieldType = z.infer<typeof FieldTypeSchema>;

export const FieldDefinitionSchema = z
  .object({
    id: z.uuid().openapi({ description: "Stable id, derived from the tenant and the key." }),
    key: z.string().openapi({ example: "company_name" }),
    label: z.string().openapi({ example: "Company name" }),
    type: FieldTypeSchema,
    description: z.string().optional().openapi({ example: "Legal name of the contact's employer" }),
    options: z.array(z.string()).optional().openapi({ description: "Allowed values of a select field." }),
    aliases: z
      .array(z.string())
      .openapi({ description: "Other keys that land in this field (snake_case).", example: ["empresa"] }),
    created_at: z.string().openapi({ example: "2026-11-25T10:00:00.000Z" }),
    updated_at: z.string().openapi({ example: "2026-11-25T10:00:00.000Z" }),
  })
  .openapi("CustomFieldDefinition");
export type FieldDefinition = z.infer<typeof FieldDefinitionSchema>;
