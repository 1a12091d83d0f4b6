import type { FieldDefinition } from "../fields/definition";
import { indexDefinitions } from "../fields/definition-index";
import type { MetadataEntry } from "./metadata-value";
import { type NormalizedField, normalizeEntries } from "./normalize-entries";

export type MatchedBy = "exact" | "alias" | "llm" | "new";

/** One field value to write (or clear, when `value` is null) on the contact. */
export interface FieldWrite {
  key: string;
  definitionId: string;
  value: string | null;
  sourceKey: string;
  matchedBy: MatchedBy;
  warning?: string;
}

export interface MetadataPlan {
  writes: FieldWrite[];
  /** Definitions to add to the tenant's KV record once the write has been authorised and committed. */
  newDefinitions: FieldDefinition[];
}

/**
 * Stage 2 of matching (SPEC): gets the fields no definition matched exactly and returns the
 * definition each one belongs to. Fields it leaves out become new definitions (stage 3).
 */
export type UnmatchedResolver = (
  fields: readonly NormalizedField[],
  definitions: readonly FieldDefinition[],
) => Promise<ReadonlyMap<string, FieldDefinition>>;

export interface PlanDeps {
  definitionIdFor: (key: string) => Promise<string>;
  /** ISO timestamp used for definitions created by this request. */
  now: string;
  resolveUnmatched?: UnmatchedResolver;
}

const noResolution: UnmatchedResolver = async () => new Map();

/** Turns a request's entries and the tenant's definitions into the writes to make. Pure but for `deps`. */
export async function planMetadataUpdate(
  entries: readonly MetadataEntry[],
  definitions: readonly FieldDefinition[],
  deps: PlanDeps,
): Promise<MetadataPlan> {
  const fields = normalizeEntries(entries);
  const index = indexDefinitions(definitions);

  const targets = new Map<NormalizedField, { definition: FieldDefinition; matchedBy: MatchedBy }>();
  const unmatched: NormalizedField[] = [];
  for (const field of fields) {
    const match = index.get(field.key);
    if (match) {
      targets.set(field, match);
    } else {
      unmatched.push(field);
    }
  }

  if (unmatched.length > 0) {
    const resolved = await (deps.resolveUnmatched ?? noResolution)(unmatched, definitions);
    for (const field of unmatched) {
      const definition = resolved.get(field.key);
      if (definition) {
        targets.set(field, { definition, matchedBy: "llm" });
      }
    }
  }

  const newDefinitions: FieldDefinition[] = [];
  for (const field of fields) {
    if (targets.has(field)) {
      continue;
    }
    const definition: FieldDefinition = {
      id: await deps.definitionIdFor(field.key),
      key: field.key,
      label: field.key,
      type: "text",
      aliases: [],
      created_at: deps.now,
      updated_at: deps.now,
    };
    // Clearing a field nobody defined must not invent a definition for it.
    if (field.value !== null) {
      newDefinitions.push(definition);
    }
    targets.set(field, { definition, matchedBy: "new" });
  }

  return { writes: foldByDefinition(fields, targets), newDefinitions };
}

/** Two fields that land in one definition behave like two keys that convert to one: the later wins. */
function foldByDefinition(
  fields: readonly NormalizedField[],
  targets: ReadonlyMap<NormalizedField, { definition: FieldDefinition; matchedBy: MatchedBy }>,
): FieldWrite[] {
  const writes = new Map<string, FieldWrite & { beaten: string[] }>();
  for (const field of fields) {
    const target = targets.get(field);
    if (!target) {
      continue;
    }
    const key = target.definition.key;
    const earlier = writes.get(key);
    writes.delete(key);
    writes.set(key, {
      key,
      definitionId: target.definition.id,
      value: field.value,
      sourceKey: field.sourceKey,
      matchedBy: target.matchedBy,
      beaten: [...(earlier?.beaten ?? []), ...(earlier ? [earlier.sourceKey] : []), ...field.overrides],
    });
  }
  return [...writes.values()].map(({ beaten, ...write }) =>
    beaten.length === 0
      ? write
      : {
          ...write,
          warning: `keys ${[...beaten, write.sourceKey].map((k) => JSON.stringify(k)).join(", ")} all map to "${write.key}"; the last one in the body was used`,
        },
  );
}
