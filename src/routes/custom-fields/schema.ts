import * as z from "zod/mini";
import { FieldTypeSchema } from "../../core/fields/definition";
import { storableString } from "../../http/validate";
import { documented } from "../../openapi/documented";

const name = storableString().check(z.minLength(1), z.maxLength(255));

export const FieldKeyParamSchema = z.object({
  key: documented(name, {
    example: "company_name",
    description: "The field key; converted to snake_case like metadata keys.",
  }),
});

export const AliasParamSchema = z.object({
  key: FieldKeyParamSchema.def.shape.key,
  alias: documented(name, { example: "empresa", description: "The alias; converted to snake_case." }),
});

const FieldTypeDocSchema = documented(FieldTypeSchema, {
  description: "How values of the field are formatted before they are stored.",
});

export const PutFieldDefinitionBodySchema = documented(
  z.strictObject({
    label: z.optional(documented(name, { example: "Company name", description: "Defaults to the key." })),
    type: z._default(FieldTypeDocSchema, "text"),
    description: z.optional(
      documented(storableString().check(z.maxLength(2000)), {
        example: "Legal name of the contact's employer",
      }),
    ),
    options: z.optional(documented(z.array(name).check(z.maxLength(500)), { example: ["Free", "Pro"] })),
    aliases: z._default(
      documented(z.array(name).check(z.maxLength(500)), {
        example: ["empresa", "company"],
        description:
          "Every alias of the field, stored in snake_case; the list replaces the previous one (learned aliases left out are un-learned). Defaults to none.",
      }),
      [],
    ),
  }),
  {
    id: "PutCustomFieldBody",
    description:
      "The definition, replaced whole. Every field is optional: `type` defaults to text, `label` to the key, `aliases` to none. Its key, label and aliases must not be a name (key, label or alias) of another definition of the tenant (409).",
  },
);

const timestamp = documented(z.string(), { example: "2026-11-25T10:00:00.000Z" });

export const AliasProvenanceSchema = documented(
  z.object({
    alias: z.string(),
    source: documented(z.enum(["admin", "llm", "request"]), {
      description: "admin: set through this API; llm: learned from an LLM mapping.",
    }),
    request_id: documented(z.nullable(z.string()), { description: "The request that taught it." }),
    api_key_prefix: documented(z.nullable(z.string()), {
      description: "Visible prefix of the API key that taught it.",
    }),
    webhook_id: documented(z.nullable(z.string()), { description: "The form webhook that taught it." }),
    created_at: timestamp,
  }),
  { id: "AliasProvenance" },
);

export const CustomFieldSchema = documented(
  z.object({
    id: documented(z.uuid(), { description: "Stable id, derived from the tenant and the key." }),
    key: documented(z.string(), { example: "company_name" }),
    label: documented(z.string(), { example: "Company name" }),
    type: FieldTypeDocSchema,
    description: z.optional(documented(z.string(), { example: "Legal name of the contact's employer" })),
    options: z.optional(
      documented(z.array(z.string()), { description: "Allowed values of a select field." }),
    ),
    aliases: documented(z.array(z.string()), {
      description: "Other keys that land in this field (snake_case).",
      example: ["empresa"],
    }),
    alias_provenance: documented(z.array(AliasProvenanceSchema), {
      description: "Who taught each alias, and when. Un-learn one with DELETE .../aliases/{alias}.",
    }),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  { id: "CustomFieldDefinition" },
);

export const DefinitionsVersionSchema = documented(z.int(), {
  description:
    "The tenant's definitions version after the change. The edge's copy of the definitions catches up with it within seconds (at most about a minute in other locations).",
});
