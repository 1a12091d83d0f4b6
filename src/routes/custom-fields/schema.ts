import { z } from "@hono/zod-openapi";
import { FieldTypeSchema } from "../../core/fields/definition";

export const FieldKeyParamSchema = z.object({
  key: z
    .string()
    .min(1)
    .max(255)
    .openapi({
      param: { name: "key", in: "path" },
      example: "company_name",
      description: "The field key; converted to snake_case like metadata keys.",
    }),
});

export const PutFieldDefinitionBodySchema = z
  .object({
    label: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ example: "Company name", description: "Defaults to the key." }),
    type: FieldTypeSchema.default("text"),
    description: z.string().max(2000).optional().openapi({ example: "Legal name of the contact's employer" }),
    options: z
      .array(z.string().min(1).max(255))
      .max(500)
      .optional()
      .openapi({ example: ["Free", "Pro"] }),
    aliases: z
      .array(z.string().min(1).max(255))
      .max(500)
      .default([])
      .openapi({ example: ["empresa", "company"], description: "Stored in snake_case." }),
  })
  .openapi("PutCustomFieldBody");
