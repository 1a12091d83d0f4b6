import type { FieldDefinition } from "./definition";
import { toFieldKey } from "./field-key";

export type ExactMatchKind = "exact" | "alias" | "synonym";

export interface DefinitionMatch {
  definition: FieldDefinition;
  matchedBy: ExactMatchKind;
}

/**
 * Lookup from canonical key to definition. A definition's own key wins over another's label,
 * and a label over an alias, so adding an alias can never steal a field's own key.
 */
// The same record (cached per isolate) is indexed once, not on every request.
const built = new WeakMap<readonly FieldDefinition[], Map<string, DefinitionMatch>>();

export function indexDefinitions(
  definitions: readonly FieldDefinition[],
): ReadonlyMap<string, DefinitionMatch> {
  const known = built.get(definitions);
  if (known) {
    return known;
  }
  const index = new Map<string, DefinitionMatch>();
  const add = (name: string, match: DefinitionMatch) => {
    const key = toFieldKey(name);
    if (key !== "" && !index.has(key)) {
      index.set(key, match);
    }
  };
  for (const definition of definitions) {
    add(definition.key, { definition, matchedBy: "exact" });
  }
  for (const definition of definitions) {
    add(definition.label, { definition, matchedBy: "exact" });
  }
  for (const definition of definitions) {
    for (const alias of definition.aliases) {
      add(alias, { definition, matchedBy: "alias" });
    }
  }
  built.set(definitions, index);
  return index;
}
