import type { FieldDefinition } from "../fields/definition";
import { type MatchedBy as IndexMatchedBy, indexDefinitions, matchExactly } from "../fields/definition-index";
import type { FormatResult } from "../format/format-result";
import { JsonNumber, type MetadataEntry } from "./metadata-value";
import { type NormalizedField, normalizeEntries } from "./normalize-entries";

/** The deterministic stages of the match index, then the LLM, then a new definition. */
export type MatchedBy = IndexMatchedBy | "llm" | "new";

/** One field value to write (or clear, when `value` is null) on the contact. */
export interface FieldWrite {
  key: string;
  definitionId: string;
  value: string | null;
  sourceKey: string;
  matchedBy: MatchedBy;
  warning?: string;
}

export interface LearnedAlias {
  definitionKey: string;
  alias: string;
}

export interface MetadataPlan {
  writes: FieldWrite[];
  /** Definitions to add to the tenant's KV record once the write has been authorised and committed. */
  newDefinitions: FieldDefinition[];
  /** Mappings the LLM made, to remember as aliases after the commit. */
  learnedAliases: LearnedAlias[];
}

/** What stage 2 (the LLM) decided about the fields that matched nothing exactly. */
export interface Resolution {
  /** Field key -> its definition, with the value rewritten for the type (null: keep the value as sent). */
  mapped: ReadonlyMap<string, { definition: FieldDefinition; value: string | null }>;
  /** Values for other definitions found in free text. */
  extracted: readonly { definition: FieldDefinition; value: string; sourceKey: string }[];
  learnedAliases: readonly LearnedAlias[];
}

export type UnmatchedResolver = (
  fields: readonly NormalizedField[],
  definitions: readonly FieldDefinition[],
) => Promise<Resolution>;

export type ValueFormatter = (
  definition: FieldDefinition,
  value: string,
  hints?: { fromJsonNumber?: boolean },
) => FormatResult;

export interface PlanDeps {
  definitionIdFor: (key: string) => Promise<string>;
  /** ISO timestamp used for definitions created by this request. */
  now: string;
  resolveUnmatched?: UnmatchedResolver;
  formatValue?: ValueFormatter;
}

interface Target {
  definition: FieldDefinition;
  matchedBy: MatchedBy;
  /** A value the LLM already fitted to the type; otherwise the field's own value is formatted. */
  value?: string;
}

const emptyResolution: Resolution = { mapped: new Map(), extracted: [], learnedAliases: [] };
const asText: ValueFormatter = (_, value) => ({ value });

/**
 * Turns a request's entries and the tenant's definitions into the writes to make: exact matches
 * first, then one resolver call for everything left, then new text fields. Pure but for `deps`.
 */
export async function planMetadataUpdate(
  entries: readonly MetadataEntry[],
  definitions: readonly FieldDefinition[],
  deps: PlanDeps,
): Promise<MetadataPlan> {
  return planNormalizedFields(normalizeEntries(entries), definitions, deps);
}

/** The same plan for fields already normalised (the bulk path validates every item first). */
export async function planNormalizedFields(
  fields: readonly NormalizedField[],
  definitions: readonly FieldDefinition[],
  deps: PlanDeps,
): Promise<MetadataPlan> {
  const index = indexDefinitions(definitions);

  const targets = new Map<NormalizedField, Target>();
  const unmatched: NormalizedField[] = [];
  for (const field of fields) {
    const match = matchExactly(index, field.key);
    if (match) {
      targets.set(field, match);
    } else {
      unmatched.push(field);
    }
  }

  const resolution =
    unmatched.length > 0 && deps.resolveUnmatched
      ? await deps.resolveUnmatched(unmatched, definitions)
      : emptyResolution;
  for (const field of unmatched) {
    const mapped = resolution.mapped.get(field.key);
    if (mapped) {
      targets.set(field, {
        definition: mapped.definition,
        matchedBy: "llm",
        ...(mapped.value === null ? {} : { value: mapped.value }),
      });
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

  const writes = foldByDefinition(fields, targets, deps.formatValue ?? asText);
  return {
    writes: [...writes, ...extractedWrites(resolution, writes)],
    newDefinitions,
    learnedAliases: [...resolution.learnedAliases],
  };
}

/** Two fields that land in one definition behave like two keys that convert to one: the later wins. */
function foldByDefinition(
  fields: readonly NormalizedField[],
  targets: ReadonlyMap<NormalizedField, Target>,
  formatValue: ValueFormatter,
): FieldWrite[] {
  const folded = new Map<string, { field: NormalizedField; target: Target; beaten: string[] }>();
  for (const field of fields) {
    const target = targets.get(field);
    if (!target) {
      continue;
    }
    const key = target.definition.key;
    const earlier = folded.get(key);
    folded.delete(key);
    const beaten = earlier ? [...earlier.beaten, earlier.field.sourceKey] : [];
    folded.set(key, { field, target, beaten: [...beaten, ...field.overrides] });
  }
  return [...folded.values()].map(({ field, target, beaten }) => {
    const warnings: string[] = [];
    if (beaten.length > 0) {
      const names = [...beaten, field.sourceKey].map((k) => JSON.stringify(k)).join(", ");
      warnings.push(`keys ${names} all map to "${target.definition.key}"; the last one in the body was used`);
    }
    let value = target.value ?? field.value;
    if (value !== null) {
      // A JSON number's "1.234" is a decimal, where the string "1.234" could be a thousand.
      const fromJsonNumber = target.value === undefined && field.raw instanceof JsonNumber;
      const formatted = formatValue(target.definition, value, { fromJsonNumber });
      value = formatted.value;
      if (formatted.warning) {
        warnings.push(formatted.warning);
      }
    }
    return {
      key: target.definition.key,
      definitionId: target.definition.id,
      value,
      sourceKey: field.sourceKey,
      matchedBy: target.matchedBy,
      ...(warnings.length > 0 ? { warning: warnings.join("; ") } : {}),
    };
  });
}

/** Facts found in free text fill only fields the request did not set itself; the first one wins. */
function extractedWrites(resolution: Resolution, writes: readonly FieldWrite[]): FieldWrite[] {
  const taken = new Set(writes.map((w) => w.key));
  const extra: FieldWrite[] = [];
  for (const { definition, value, sourceKey } of resolution.extracted) {
    if (taken.has(definition.key)) {
      continue;
    }
    taken.add(definition.key);
    extra.push({ key: definition.key, definitionId: definition.id, value, sourceKey, matchedBy: "llm" });
  }
  return extra;
}
