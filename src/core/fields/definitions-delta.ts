import type { DefinitionsSnapshot, FieldDefinition } from "./definition";

/**
 * One change to a tenant's definitions, as the statement that made it reports it: enough to bring
 * a snapshot of version `from` to version `to` without reading the whole ledger again.
 */
export interface DefinitionsDelta {
  from: number;
  to: number;
  /** Definitions created or replaced, whole. */
  upsert: FieldDefinition[];
  /** Ids of definitions deleted. */
  remove: string[];
  aliasesAdded: { definitionId: string; name: string }[];
  aliasesRemoved: { definitionId: string; name: string }[];
}

/**
 * The snapshot after the change, or undefined when the delta does not start from this snapshot's
 * version (someone else changed the ledger in between: only a full read is exact then).
 */
export function applyDelta(
  snapshot: DefinitionsSnapshot,
  delta: DefinitionsDelta,
): DefinitionsSnapshot | undefined {
  if (snapshot.version !== delta.from) {
    return undefined;
  }
  const replaced = new Map(delta.upsert.map((d) => [d.id, d]));
  const removed = new Set(delta.remove);
  const added = groupNames(delta.aliasesAdded);
  const dropped = groupNames(delta.aliasesRemoved);
  const definitions: FieldDefinition[] = [];
  for (const definition of snapshot.definitions) {
    if (removed.has(definition.id) || replaced.has(definition.id)) {
      continue;
    }
    const plus = added.get(definition.id);
    const minus = dropped.get(definition.id);
    definitions.push(
      plus || minus
        ? {
            ...definition,
            aliases: [...new Set([...definition.aliases, ...(plus ?? [])])].filter((a) => !minus?.has(a)),
          }
        : definition,
    );
  }
  definitions.push(...replaced.values());
  return { version: delta.to, definitions };
}

function groupNames(names: readonly { definitionId: string; name: string }[]): Map<string, Set<string>> {
  const grouped = new Map<string, Set<string>>();
  for (const { definitionId, name } of names) {
    const set = grouped.get(definitionId) ?? new Set<string>();
    grouped.set(definitionId, set);
    set.add(name);
  }
  return grouped;
}
