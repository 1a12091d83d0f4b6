import * as z from "zod/mini";
import { FieldTypeSchema } from "../../core/fields/definition";
import { documented } from "../../openapi/documented";

const name = z.string().check(z.minLength(1), z.maxLength(255));

export const FieldKeyParamSchema = z.object({
  key: documented(name, {
    example: "company_name",
    description: "The field key; converted to snake_case like metadata keys.",
  }),
});

export const PutFieldDefinitionBodySchema = documented(
  z.object({
    label: z.optional(documented(name, { example: "Company name", description: "Defaults to the key." })),
    type: z._default(FieldTypeSchema, "text"),
    description: z.optional(
      documented(z.string().check(z.maxLength(2000)), { example: "Legal name of the contact's employer" }),
    ),
    options: z.optional(documented(z.array(name).check(z.maxLength(500)), { example: ["Free", "Pro"] })),
    aliases: z._default(
      documented(z.array(name).check(z.maxLength(500)), {
        example: ["empresa", "company"],
        description: "Stored in snake_case.",
      }),
      [],
    ),
  }),
  { id: "PutCustomFieldBody" },
);
