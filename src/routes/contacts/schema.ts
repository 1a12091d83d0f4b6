import * as z from "zod/mini";
import { documented } from "../../openapi/documented";

export const ContactIdParamSchema = z.object({
  aiContactId: documented(z.string(), {
    description:
      "Id of the contact (a UUID). Anything else is treated as a contact that does not exist (404).",
    example: "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11",
  }),
});

const timestamp = documented(z.nullable(z.string()), { example: "2026-11-25T10:00:00.000Z" });

export const FieldValueSchema = documented(
  z.object({
    id: documented(z.nullable(z.uuid()), {
      description: "Id of the stored value; null when a cleared field had no value.",
    }),
    ai_contact_id: z.uuid(),
    custom_field_definition_id: z.uuid(),
    key: documented(z.string(), { example: "company_name", description: "The field's key (snake_case)." }),
    value: documented(z.nullable(z.string()), {
      example: "Acme",
      description: "Stored string; null when cleared.",
    }),
    source_key: documented(z.string(), { example: "companyName", description: "The key as it was sent." }),
    matched_by: documented(z.enum(["exact", "alias", "synonym", "llm", "new"]), {
      description:
        "How the key found its field. exact: the key equals a definition's key or label, ignoring case, accents and separators (`E-mail` = `email`, `firstname` = `first_name`); alias: the same against one of its aliases; synonym: the key and the definition name the same contact field in the built-in lexicon (`Surname`, `Apellido` or `Nachname` for `last_name`); llm: mapped by the LLM; new: a definition was created for it.",
    }),
    created_at: timestamp,
    updated_at: timestamp,
    warning: z.optional(
      documented(z.string(), {
        description:
          "Set when something was flagged: two keys of the request landed in one field, or the value could not be formatted for the field's type (then it is stored as sent).",
      }),
    ),
  }),
  { id: "FieldValue" },
);
export type FieldValue = z.infer<typeof FieldValueSchema>;

export const ContactSchema = z.object({
  id: documented(z.uuid(), { example: "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11" }),
  name: z.nullable(z.string()),
  email: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The shape of a metadata object: any keys, any JSON values. */
export const metadataObjectSchema = () => z.record(z.string(), z.unknown());
