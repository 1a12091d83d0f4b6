import { ApiError } from "../../errors";
import type { VerifiedCallers } from "../auth/verified-callers";
import type { FieldMatcher } from "../matching/field-matcher";
import type { LlmCallReport } from "../matching/llm-port";
import type { Caller, ContactStore, FieldDefinitionStore, StoredField } from "../ports";
import type { MetadataEntry } from "./metadata-value";
import type { NormalizedField } from "./normalize-entries";
import { planMetadataUpdate, type Resolution, type ValueFormatter } from "./plan-update";

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

/**
 * The whole update: one KV read for the definitions, the plan (at most one LLM call), then one
 * database statement that authenticates, checks the contact and writes. New definitions and
 * learned aliases go to KV only after that commit.
 */
export async function updateContactMetadata(
  deps: UpdateMetadataDeps,
  input: { caller: Caller; contactId: string; requestId: string; entries: readonly MetadataEntry[] },
): Promise<UpdatedField[]> {
  const { caller } = input;
  const definitions = await deps.fieldDefinitions.list(caller.tenantId);
  const plan = await planMetadataUpdate(input.entries, definitions, {
    definitionIdFor: (key) => deps.definitionIdFor(caller.tenantId, key),
    now: deps.now().toISOString(),
    formatValue: deps.formatValue,
    resolveUnmatched: (fields, defs) => askMatcher(deps, caller, fields, defs),
  });

  const result = await deps.contacts.applyMetadata({
    caller,
    contactId: input.contactId,
    requestId: input.requestId,
    writes: plan.writes,
  });
  if (result.status === "unauthorized") {
    throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
  }
  deps.verifiedCallers.remember(caller.keyHash);
  if (result.status === "contact_not_found") {
    throw new ApiError("NOT_FOUND", `contact ${input.contactId} not found`);
  }

  if (plan.newDefinitions.length > 0 || plan.learnedAliases.length > 0) {
    try {
      await deps.fieldDefinitions.record(caller.tenantId, {
        definitions: plan.newDefinitions,
        aliases: plan.learnedAliases,
        now: deps.now().toISOString(),
      });
    } catch (err) {
      // The values are committed; a lost definition is recreated (same id) and a lost alias
      // re-learned by the next request that uses the key.
      deps.logError("kv_record_failed", err);
    }
  }

  const warnings = new Map(plan.writes.flatMap((w) => (w.warning ? [[w.key, w.warning] as const] : [])));
  return result.fields.map((field) => {
    const warning = warnings.get(field.key);
    return warning ? { ...field, warning } : field;
  });
}

const unresolved: Resolution = { mapped: new Map(), extracted: [], learnedAliases: [] };

/** One matcher call for all unmatched fields; any failure means "nothing matched", never a failed request. */
async function askMatcher(
  deps: UpdateMetadataDeps,
  caller: Caller,
  fields: readonly NormalizedField[],
  definitions: Parameters<FieldMatcher["match"]>[1],
): Promise<Resolution> {
  if (!deps.matcher || definitions.length === 0) {
    deps.onLlmCall?.({ calls: 0, durationMs: 0, outcome: "not_configured" });
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
