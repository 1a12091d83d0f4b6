// The pure steps of an update, for one contact or many: prepare (validate each item) -> match
// (deterministic stages against the tenant's definitions) -> plan (with the LLM's resolution, if
// any). Data in, data out: the service does every I/O between the steps, once, in one direction.
import { canonicalContactId } from "../contacts/contact-id";
import { DomainError, invalidInput } from "../errors";
import type { FieldDefinition } from "../fields/definition";
import { definitionIdFor } from "../fields/definition-id";
import {
  type DefinitionMatch,
  type MatchedBy as IndexMatchedBy,
  indexDefinitions,
  lookAlikeOf,
  matchField,
} from "../fields/definition-index";
import type { PhoneMetadata } from "../format/format-phone";
import { formatValue } from "../format/format-value";
import type { Resolution } from "../matching/resolution";
import type { UnmatchedField } from "../matching/unmatched-field";
import { LLM_BUDGET_SPENT_WARNING } from "../usage/llm-budget";
import { JsonNumber, type MetadataEntry } from "./metadata-value";
import { type NormalizedField, normalizeEntries } from "./normalize-entries";

/** The deterministic stages of the match index, then the LLM, then a new definition. */
export type MatchedBy = IndexMatchedBy | "llm" | "new";

export interface UpdateItem {
  contactId: string;
  entries: readonly MetadataEntry[];
}

/** One field value to write (or clear, when `value` is null) on a contact. */
export interface FieldWrite {
  key: string;
  definitionId: string;
  value: string | null;
  sourceKey: string;
  matchedBy: MatchedBy;
  warning?: string;
  /**
   * For a deterministic match, what the update statement checks against the ledger, since the
   * definitions it was planned with may be an older projection: the request's canonical key
   * (`name`), whether the projection had it as a name of the definition (`named`), and the id of
   * the new text field the key becomes if the ledger no longer has that name or definition.
   */
  check?: { name: string; named: boolean; newId: string };
  /**
   * Earlier fields of the request that the plan folded into this one (they matched the same
   * definition). Sent to the statement before this write: where the ledger agrees they fold there
   * too (the last one wins), where it sends one elsewhere (an older projection) it is not lost.
   */
  beaten?: FieldWrite[];
}

/** An item of the request after validation: its fields, or why it is refused on its own. */
export type PreparedItem =
  | { index: number; contactId: string; fields: NormalizedField[] }
  | { index: number; contactId: string; error: DomainError };

/** A valid item with each field's deterministic match (absent: nothing matched). */
export interface MatchedItem {
  index: number;
  contactId: string;
  fields: NormalizedField[];
  matches: ReadonlyMap<NormalizedField, DefinitionMatch<FieldDefinition>>;
}

/** A key for stage 2, asked once per request with the value of the first item that sent it. */
export interface AskedField extends UnmatchedField {
  item: number;
  /** An existing field whose name looks the same (confusable characters): a new field gets a warning. */
  looksLike?: string;
}

export interface MatchedUpdate {
  items: (MatchedItem | Extract<PreparedItem, { error: DomainError }>)[];
  /** Every key no definition matched, once, in order of first appearance. */
  asked: AskedField[];
}

export type PlannedItem =
  | { index: number; contactId: string; writes: FieldWrite[] }
  | Extract<PreparedItem, { error: DomainError }>;

export interface UpdatePlan {
  items: PlannedItem[];
  /** Text definitions to record with the values (only for keys some item actually sets). */
  newDefinitions: { id: string; key: string }[];
  /** Mappings the LLM made, to record as aliases with the values. */
  learnedAliases: { name: string; definitionId: string }[];
}

/**
 * Validates every item on its own: a bad key refuses that item only (all of a single-contact
 * request), and a contact named twice is refused for its later items (merge them instead).
 */
export function prepareItems(items: readonly UpdateItem[]): PreparedItem[] {
  const seen = new Set<string>();
  return items.map((item, index) => {
    const contactId = canonicalContactId(item.contactId);
    if (seen.has(contactId)) {
      return {
        index,
        contactId,
        error: invalidInput(`aiContactId ${contactId} appears more than once; merge the items`),
      };
    }
    seen.add(contactId);
    try {
      return { index, contactId, fields: normalizeEntries(item.entries) };
    } catch (err) {
      if (err instanceof DomainError) {
        return { index, contactId, error: err };
      }
      throw err;
    }
  });
}

/** The deterministic stages: each field against the tenant's index, and the keys left for stage 2. */
export function matchItems(
  prepared: readonly PreparedItem[],
  definitions: readonly FieldDefinition[],
): MatchedUpdate {
  const index = indexDefinitions(definitions);
  const asked = new Map<string, AskedField>();
  const items = prepared.map((item) => {
    if ("error" in item) {
      return item;
    }
    const matches = new Map<NormalizedField, DefinitionMatch<FieldDefinition>>();
    for (const field of item.fields) {
      const match = matchField(index, field.key);
      if (match) {
        matches.set(field, match);
      } else if (!asked.has(field.key)) {
        const looksLike = lookAlikeOf(index, field.key)?.key;
        asked.set(field.key, {
          key: field.key,
          sourceKey: field.sourceKey,
          value: field.value,
          item: item.index,
          ...(looksLike ? { looksLike } : {}),
        });
      }
    }
    return { ...item, matches };
  });
  return { items, asked: [...asked.values()] };
}

interface Target {
  definition: FieldDefinition;
  matchedBy: MatchedBy;
  check?: FieldWrite["check"];
  /** A value the LLM already fitted to the type; otherwise the field's own value is formatted. */
  value?: string;
  warning?: string;
}

/**
 * The writes of every item: deterministic matches, then the LLM's mappings (its rewritten value and
 * the facts it found in free text belong to the item whose value it saw; the mapping itself holds
 * for every item), then new text fields for what is left.
 */
export function planUpdate(
  matched: MatchedUpdate,
  resolution: Resolution,
  /**
   * `llmBudgetSpent`: the LLM was not asked because the tenant's budget is spent (a warning per key).
   * `phoneMetadata`: required when `mayFormatPhoneNumbers(matched, definitions)`.
   */
  context: { tenantId: string; llmBudgetSpent?: boolean; phoneMetadata?: PhoneMetadata | undefined },
): UpdatePlan {
  const askedItem = new Map(matched.asked.map((a) => [a.key, a.item]));
  const lookAlikes = new Map(
    matched.asked.flatMap((a) => (a.looksLike ? [[a.key, a.looksLike] as const] : [])),
  );
  const askedSourceItem = new Map(matched.asked.map((a) => [a.sourceKey, a.item]));
  const newDefinitions = new Map<string, { id: string; key: string }>();
  // Items of a bulk request share their keys: each key's id (a SHA-256) is derived once.
  const ids = new Map<string, string>();
  const idFor = (key: string) => {
    const known = ids.get(key);
    if (known !== undefined) {
      return known;
    }
    const id = definitionIdFor(context.tenantId, key);
    ids.set(key, id);
    return id;
  };

  const items = matched.items.map((item): PlannedItem => {
    if ("error" in item) {
      return item;
    }
    const targets = new Map<NormalizedField, Target>();
    for (const field of item.fields) {
      const match = item.matches.get(field);
      const mapped = match ? undefined : resolution.mapped.get(field.key);
      if (match) {
        targets.set(field, {
          ...match,
          check: {
            name: field.key,
            named: match.byName === true,
            newId: idFor(field.key),
          },
        });
      } else if (mapped) {
        const own = askedItem.get(field.key) === item.index && mapped.value !== null;
        targets.set(field, {
          definition: mapped.definition,
          matchedBy: "llm",
          ...(own && mapped.value !== null ? { value: mapped.value } : {}),
        });
      } else {
        const id = idFor(field.key);
        // Clearing a field nobody defined must not invent a definition for it.
        if (field.value !== null) {
          newDefinitions.set(field.key, { id, key: field.key });
        }
        const looksLike = lookAlikes.get(field.key);
        const warnings = [
          ...(context.llmBudgetSpent ? [LLM_BUDGET_SPENT_WARNING] : []),
          ...(looksLike
            ? [
                `"${field.sourceKey}" became a new field, but it looks like the existing field "${looksLike}" (characters from another script?)`,
              ]
            : []),
        ];
        targets.set(field, {
          definition: { id, key: field.key, label: field.key, type: "text", aliases: [] },
          matchedBy: "new",
          ...(warnings.length > 0 ? { warning: warnings.join("; ") } : {}),
        });
      }
    }
    const writes = foldByDefinition(item.fields, targets, context.phoneMetadata);
    const extracted = resolution.extracted.filter((e) => askedSourceItem.get(e.sourceKey) === item.index);
    return {
      index: item.index,
      contactId: item.contactId,
      writes: [...writes, ...extractedWrites(extracted, writes)],
    };
  });

  const byKey = new Map<string, string>();
  for (const item of matched.items) {
    if (!("error" in item)) {
      for (const match of item.matches.values()) {
        byKey.set(match.definition.key, match.definition.id);
      }
    }
  }
  for (const { definition } of resolution.mapped.values()) {
    byKey.set(definition.key, definition.id);
  }
  const learnedAliases = resolution.learnedAliases.flatMap(({ definitionKey, alias }) => {
    const definitionId = byKey.get(definitionKey);
    return definitionId ? [{ name: alias, definitionId }] : [];
  });
  return { items, newDefinitions: [...newDefinitions.values()], learnedAliases };
}

/**
 * Whether `planUpdate` may format a phone number, known before the LLM is asked: a value (not a
 * clear) matched to a phone field, or keys left for the LLM while the tenant has a phone field
 * they could be mapped onto. The service then loads the phone metadata first, before any LLM call
 * (a failed read costs no LLM spend), and a request that can format none never pays for it.
 */
export function mayFormatPhoneNumbers(
  matched: MatchedUpdate,
  definitions: readonly FieldDefinition[],
): boolean {
  const matchesPhone = matched.items.some(
    (item) =>
      !("error" in item) &&
      [...item.matches].some(([field, match]) => field.value !== null && match.definition.type === "phone"),
  );
  return matchesPhone || (matched.asked.length > 0 && definitions.some((d) => d.type === "phone"));
}

/** Two fields that land in one definition behave like two keys that convert to one: the later wins. */
function foldByDefinition(
  fields: readonly NormalizedField[],
  targets: ReadonlyMap<NormalizedField, Target>,
  phoneMetadata: PhoneMetadata | undefined,
): FieldWrite[] {
  const folded = new Map<
    string,
    {
      field: NormalizedField;
      target: Target;
      beaten: string[];
      losers: { field: NormalizedField; target: Target }[];
    }
  >();
  for (const field of fields) {
    const target = targets.get(field);
    if (!target) {
      continue;
    }
    const key = target.definition.key;
    const earlier = folded.get(key);
    folded.delete(key);
    // Appended in place (as in normalizeEntries): copying at each repetition was quadratic.
    const beaten = earlier ? earlier.beaten : [];
    const losers = earlier ? earlier.losers : [];
    if (earlier) {
      beaten.push(earlier.field.sourceKey);
      losers.push({ field: earlier.field, target: earlier.target });
    }
    for (const overridden of field.overrides) {
      beaten.push(overridden);
    }
    folded.set(key, { field, target, beaten, losers });
  }
  return [...folded.values()].map(({ field, target, beaten, losers }) => {
    const { write, warnings } = writeOf(field, target, phoneMetadata);
    if (beaten.length > 0) {
      const names = [...beaten, field.sourceKey].map((k) => JSON.stringify(k)).join(", ");
      warnings.push(`keys ${names} all map to "${target.definition.key}"; the last one in the body was used`);
    }
    return {
      ...write,
      ...(warnings.length > 0 ? { warning: warnings.join("; ") } : {}),
      ...(losers.length > 0
        ? { beaten: losers.map((l) => writeOf(l.field, l.target, phoneMetadata).write) }
        : {}),
    };
  });
}

/** One field's write to its target, its value formatted for the target's type. */
function writeOf(
  field: NormalizedField,
  target: Target,
  phoneMetadata: PhoneMetadata | undefined,
): { write: FieldWrite; warnings: string[] } {
  const warnings: string[] = target.warning ? [target.warning] : [];
  let value = target.value ?? field.value;
  if (value !== null) {
    // A JSON number's "1.234" is a decimal, where the string "1.234" could be a thousand.
    const fromJsonNumber = target.value === undefined && field.raw instanceof JsonNumber;
    const formatted = formatValue(target.definition, value, { fromJsonNumber, phoneMetadata });
    value = formatted.value;
    if (formatted.warning) {
      warnings.push(formatted.warning);
    }
  }
  return {
    write: {
      key: target.definition.key,
      definitionId: target.definition.id,
      value,
      sourceKey: field.sourceKey,
      matchedBy: target.matchedBy,
      ...(target.check ? { check: target.check } : {}),
    },
    warnings,
  };
}

/** Facts found in free text fill only fields the request did not set itself; the first one wins. */
function extractedWrites(extracted: Resolution["extracted"], writes: readonly FieldWrite[]): FieldWrite[] {
  const taken = new Set(writes.map((w) => w.key));
  const extra: FieldWrite[] = [];
  for (const { definition, value, sourceKey } of extracted) {
    if (taken.has(definition.key)) {
      continue;
    }
    taken.add(definition.key);
    extra.push({ key: definition.key, definitionId: definition.id, value, sourceKey, matchedBy: "llm" });
  }
  return extra;
}
