import { invalidInput } from "../errors";
import type { FieldType } from "./definition";
import { definitionIdFor } from "./definition-id";
import { MAX_KEY_LENGTH, toFieldKey } from "./field-key";

export interface PutDefinitionBody {
  label?: string | undefined;
  type: FieldType;
  description?: string | undefined;
  options?: string[] | undefined;
  aliases: string[];
}

export type NameKind = "key" | "label" | "alias";

/**
 * A definition as an admin sent it, made canonical: the key and aliases in snake_case, the label
 * defaulting to the key, and every name it will own (key, label, aliases) once, key first. Those
 * names are what the ledger keeps unique across the tenant.
 */
export function prepareDefinition(tenantId: string, sentKey: string, body: PutDefinitionBody) {
  const key = toFieldKey(sentKey);
  if (key === "") {
    throw invalidInput("the field key converts to an empty key", { key: sentKey });
  }
  if (body.type === "select" && (body.options?.length ?? 0) === 0) {
    throw invalidInput("a select field needs at least one option");
  }
  const label = body.label ?? key;
  const names = new Map<string, NameKind>([[key, "key"]]);
  const labelName = toFieldKey(label);
  if (labelName !== "" && !names.has(labelName)) {
    names.set(labelName, "label");
  }
  const aliases: string[] = [];
  for (const alias of body.aliases.map(toFieldKey)) {
    if (alias !== "" && !names.has(alias)) {
      names.set(alias, "alias");
      aliases.push(alias);
    }
  }
  // The names a metadata key may have (normalizeEntries): a name longer than that once canonical
  // (NFKC can turn one character into 18) could never be sent as a key, and would bloat the index.
  const long = [...names.keys()].filter((name) => name.length > MAX_KEY_LENGTH);
  if (long.length > 0) {
    throw invalidInput(`name(s) longer than ${MAX_KEY_LENGTH} characters once converted to snake_case`, {
      names: long.map((name) => name.slice(0, 64)),
    });
  }
  return {
    id: definitionIdFor(tenantId, key),
    key,
    label,
    type: body.type,
    description: body.description ?? null,
    options: body.options ?? null,
    aliases,
    names: [...names].map(([name, kind]) => ({ name, kind })),
  };
}
