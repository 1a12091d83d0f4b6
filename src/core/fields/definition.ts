import * as z from "zod/mini";

export const FIELD_TYPES = [
  "text",
  "number",
  "boolean",
  "date",
  "datetime",
  "email",
  "phone",
  "url",
  "select",
] as const;
export const FieldTypeSchema = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldTypeSchema>;

/**
 * A definition as matching, formatting and the LLM prompt need it: the shape of the KV projection.
 * Provenance and timestamps stay in Postgres; the hot path never needs them.
 */
export const FieldDefinitionSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  type: FieldTypeSchema,
  description: z.optional(z.string()),
  options: z.optional(z.array(z.string())),
  /** Other names (snake_case) that land in this field. */
  aliases: z.array(z.string()),
});
export type FieldDefinition = z.infer<typeof FieldDefinitionSchema>;

/** The tenant's definitions as of one `definitions_version` of the ledger. */
export const DefinitionsSnapshotSchema = z.object({
  version: z.number(),
  definitions: z.array(FieldDefinitionSchema),
});
export type DefinitionsSnapshot = z.infer<typeof DefinitionsSnapshotSchema>;
