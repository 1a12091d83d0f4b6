import { ApiError } from "../../errors";
import type { VerifiedCallers } from "../auth/verified-callers";
import type { FieldDefinition } from "../fields/definition";
import { indexDefinitions, matchExactly } from "../fields/definition-index";
import type { FieldMatcher } from "../matching/field-matcher";
import type { LlmCallReport } from "../matching/llm-port";
import type { Caller, ContactStore, FieldDefinitionStore, StoredField } from "../ports";
import type { MetadataEntry } from "./metadata-value";
import { type NormalizedField, normalizeEntries } from "./normalize-entries";
import {
  type FieldWrite,
  type LearnedAlias,
  planNormalizedFields,
  type Resolution,
  type ValueFormatter,
} from "./plan-update";

export interface UpdateMetadataDeps {
  contacts: ContactStore;
  fieldDefinitions: FieldDefinitionStore;
  definitionIdFor: (tenantId: string, key: string) => Promise<string>;
  now: () => Date;
  formatValue: ValueFormatter;
  /** Stage 2 (the LLM); absent when none is bound: unmatched keys then become new fields. */
  matcher?: FieldMatcher | undefined;
  verifiedCallers: VerifiedCallers;
  onLlmCall?: (report: LlmCallReport) => void;
  /** Failures that must not fail a request whose values are already committed. */
  logError: (event: string, err: unknown) => void;
}

export type UpdatedField = StoredField & { warning?: string };

/** The outcome for one contact of a (bulk) update: its fields, or why it was not updated. */
export type ItemResult = { status: 200; fields: UpdatedField[] } | { status: 400 | 404; error: ApiError };

interface Item {
  contactId: string;
  entries: readonly MetadataEntry[];
}

const unresolved: Resolution = { mapped: new Map(), extracted: [], learnedAliases: [] };

/**
 * Updates one contact: the bulk path with a single item, failing the request with that item's
 * error (so a bad key is a 400 and a foreign contact a 404).
 */
export async function updateContactMetadata(
  deps: UpdateMetadataDeps,
  input: { caller: Caller; contactId: string; requestId: string; entries: readonly MetadataEntry[] },
): Promise<UpdatedField[]> {
  const {
    results: [result],
  } = await updateContactsMetadata(deps, {
    caller: input.caller,
    requestId: input.requestId,
    items: [{ contactId: input.contactId, entries: input.entries }],
  });
  if (!result) {
    throw new Error("one item in, no result out");
  }
  if (result.status !== 200) {
    throw result.error;
  }
  return result.fields;
}

/**
 * The whole update for any number of contacts: one KV read for the definitions (none when the
 * isolate has them), at most one LLM call for every unmatched key of every item, then one
 * database statement that authenticates, checks each contact and writes everything. New
 * definitions and learned aliases go to KV only after that commit. An item with a bad key or a
 * missing contact fails alone.
 */
export async function updateContactsMetadata(
  deps: UpdateMetadataDeps,
  input: { caller: Caller; requestId: string; items: readonly Item[]; deliveryId?: string | undefined },
): Promise<{ duplicate: boolean; results: ItemResult[] }> {
  const { caller } = input;
  const results: (ItemResult | undefined)[] = input.items.map(() => undefined);
  const normalized = new Map<number, NormalizedField[]>();
  input.items.forEach((item, index) => {
    try {
      normalized.set(index, normalizeEntries(item.entries));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        throw err;
      }
      results[index] = { status: 400, error: err };
    }
  });

  if (normalized.size === 0 && input.items.length > 0) {
    // Every item was refused on its own: nothing to read, ask or write.
    return { duplicate: false, results: results.map((r) => r ?? notProcessed()) };
  }
  const definitions = await deps.fieldDefinitions.list(caller.tenantId);
  const shared = await resolveOnce(deps, caller, normalized, definitions);

  const planned: { index: number; contactId: string; writes: FieldWrite[] }[] = [];
  const newDefinitions = new Map<string, FieldDefinition>();
  const learnedAliases: LearnedAlias[] = [...shared.learnedAliases];
  const now = deps.now().toISOString();
  for (const [index, fields] of normalized) {
    const item = input.items[index];
    if (!item) {
      continue;
    }
    const plan = await planNormalizedFields(fields, definitions, {
      definitionIdFor: (key) => deps.definitionIdFor(caller.tenantId, key),
      now,
      formatValue: deps.formatValue,
      resolveUnmatched: async () => shared.forItem(index),
    });
    planned.push({ index, contactId: item.contactId, writes: plan.writes });
    for (const definition of plan.newDefinitions) {
      newDefinitions.set(definition.key, definition);
    }
  }

  const applied = await deps.contacts.applyMetadata({
    caller,
    requestId: input.requestId,
    items: planned,
    deliveryId: input.deliveryId,
  });
  if (applied.status === "unauthorized") {
    throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
  }
  deps.verifiedCallers.remember(caller.keyHash);
  if (applied.status === "duplicate") {
    return { duplicate: true, results: [] };
  }

  planned.forEach(({ index, contactId, writes }, position) => {
    const fields = applied.results[position];
    if (!fields) {
      results[index] = { status: 404, error: new ApiError("NOT_FOUND", `contact ${contactId} not found`) };
      return;
    }
    const warnings = new Map(writes.flatMap((w) => (w.warning ? [[w.key, w.warning] as const] : [])));
    results[index] = {
      status: 200,
      fields: fields.map((field) => {
        const warning = warnings.get(field.key);
        return warning ? { ...field, warning } : field;
      }),
    };
  });

  const written = planned.filter((_, position) => applied.results[position]).length > 0;
  if (written && (newDefinitions.size > 0 || learnedAliases.length > 0)) {
    try {
      await deps.fieldDefinitions.record(caller.tenantId, {
        definitions: [...newDefinitions.values()],
        aliases: learnedAliases,
        now,
      });
    } catch (err) {
      // The values are committed; a lost definition is recreated (same id) and a lost alias
      // re-learned by the next request that uses the key.
      deps.logError("kv_record_failed", err);
    }
  }

  return { duplicate: false, results: results.map((r) => r ?? notProcessed()) };
}

const notProcessed = (): ItemResult => ({
  status: 400,
  error: new ApiError("BAD_REQUEST", "item was not processed"),
});

/**
 * ONE matcher call for the unmatched keys of all items. The LLM sees each key once, with the value
 * of its first item; a rewritten value or a fact found in free text belongs to that item only,
 * while the key's mapping (and the alias it teaches) holds for every item.
 */
async function resolveOnce(
  deps: UpdateMetadataDeps,
  caller: Caller,
  normalized: ReadonlyMap<number, readonly NormalizedField[]>,
  definitions: readonly FieldDefinition[],
): Promise<{ forItem: (index: number) => Resolution; learnedAliases: readonly LearnedAlias[] }> {
  const index = indexDefinitions(definitions);
  const asked = new Map<string, { field: NormalizedField; item: number }>();
  for (const [item, fields] of normalized) {
    for (const field of fields) {
      if (!asked.has(field.key) && !matchExactly(index, field.key)) {
        asked.set(field.key, { field, item });
      }
    }
  }
  if (asked.size === 0) {
    return { forItem: () => unresolved, learnedAliases: [] };
  }
  const resolution = await askMatcher(
    deps,
    caller,
    [...asked.values()].map((a) => a.field),
    definitions,
  );
  const sourceItem = (key: string) => asked.get(key)?.item;
  const sourceKeyItem = new Map([...asked.values()].map((a) => [a.field.sourceKey, a.item]));
  return {
    learnedAliases: resolution.learnedAliases,
    forItem: (item) => ({
      mapped: new Map(
        [...resolution.mapped].map(([key, m]) => [key, sourceItem(key) === item ? m : { ...m, value: null }]),
      ),
      extracted: resolution.extracted.filter((e) => sourceKeyItem.get(e.sourceKey) === item),
      learnedAliases: [],
    }),
  };
}

async function askMatcher(
  deps: UpdateMetadataDeps,
  caller: Caller,
  fields: readonly NormalizedField[],
  definitions: readonly FieldDefinition[],
): Promise<Resolution> {
  if (!deps.matcher || definitions.length === 0) {
    deps.onLlmCall?.({
      calls: 0,
      durationMs: 0,
      outcome: deps.matcher ? "no_definitions" : "not_configured",
    });
    return unresolved;
  }
  await ensureVerified(deps, caller);
  try {
    const { resolution, report } = await deps.matcher.match(
      fields.map(({ key, sourceKey, value }) => ({ key, sourceKey, value })),
      definitions,
    );
    deps.onLlmCall?.(report);
    return resolution;
  } catch (err) {
    deps.logError("matcher_failed", err);
    deps.onLlmCall?.({ calls: 0, durationMs: 0, outcome: "failed" });
    return unresolved;
  }
}

/** A forged key must never cost the tenant an LLM call: verify before the first one. */
async function ensureVerified(deps: UpdateMetadataDeps, caller: Caller): Promise<void> {
  if (deps.verifiedCallers.has(caller.keyHash)) {
    return;
  }
  if (!(await deps.contacts.verifyCaller(caller))) {
    throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
  }
  deps.verifiedCallers.remember(caller.keyHash);
}
