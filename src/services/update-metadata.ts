import { DomainError } from "../core/errors";
import type { FieldDefinition } from "../core/fields/definition";
import { NO_RESOLUTION, type Resolution } from "../core/matching/resolution";
import { type ItemResult, itemResults, type UpdatedField } from "../core/metadata/item-results";
import {
  type AskedField,
  matchItems,
  planUpdate,
  prepareItems,
  type UpdateItem,
} from "../core/metadata/plan-update";
import { ensureVerified, unauthenticated } from "./caller";
import { keepDefinitionsCurrent, loadDefinitions } from "./definitions";
import type { Deps } from "./deps";
import { publishCommittedEvents } from "./events";
import type { Caller, Contact } from "./ports";
import { LLM_CALLER_MS } from "./verified-callers";

export interface UpdateInput {
  caller: Caller;
  requestId: string;
  items: readonly UpdateItem[];
  /** Webhook callers: the submission's own id; a retry of it writes nothing. */
  deliveryId?: string | undefined;
  /** Contacts to create in the same statement; items name them by the ids given here. */
  create?: readonly Contact[];
}

export interface UpdateOutcome {
  /** A webhook submission applied before (by its delivery id): nothing was written. */
  duplicate: boolean;
  results: ItemResult[];
  created: Contact[];
}

/**
 * The update of one contact or many, every I/O once and in one direction:
 *   validate (core) -> caller known? -> definitions -> match (core) -> LLM for what is left
 *   -> plan (core) -> ONE statement -> results (core) -> projection kept current, after the response.
 * An item with a bad key or a missing contact fails alone; everything else of the request lands
 * together or not at all.
 */
export async function updateMetadata(deps: Deps, input: UpdateInput): Promise<UpdateOutcome> {
  const { caller } = input;
  const prepared = prepareItems(input.items);
  const refused = prepared.flatMap((item) => ("error" in item ? [item] : []));
  if (refused.length > 0 && refused.length === prepared.length && (input.create ?? []).length === 0) {
    // Every item was refused on its own: nothing to read, ask or write.
    return { duplicate: false, results: itemResults(refused, []), created: [] };
  }
  // No tenant-sized work (reading and parsing its definitions) for a credential never confirmed.
  await ensureVerified(deps, caller);
  const snapshot = await loadDefinitions(deps, caller.tenantId);
  const matched = matchItems(prepared, snapshot.definitions);
  const resolution = await resolveUnmatched(deps, caller, matched.asked, snapshot.definitions);
  const plan = planUpdate(matched, resolution, { tenantId: caller.tenantId });

  const sent = plan.items.flatMap((item) => ("writes" in item ? [item] : []));
  const applied = await deps.metadata.apply({
    caller,
    requestId: input.requestId,
    items: sent,
    newDefinitions: plan.newDefinitions,
    learnedAliases: plan.learnedAliases,
    deliveryId: input.deliveryId,
    create: (input.create ?? []).map(({ id, name, email, phone }) => ({ id, name, email, phone })),
  });
  switch (applied.status) {
    case "unauthorized":
      throw unauthenticated(caller);
    case "duplicate":
      return { duplicate: true, results: [], created: [] };
    case "limit_exceeded":
      throw new DomainError(
        "DEFINITION_LIMIT_EXCEEDED",
        `this request would create ${applied.keys.length} custom field definition(s) past the tenant's limit of ${applied.limit}; nothing was written`,
        { limit: applied.limit, count: applied.count, keys: applied.keys },
      );
  }
  deps.isolate.verified.remember(caller.keyHash);
  keepDefinitionsCurrent(deps, caller.tenantId, snapshot, applied.version, applied.delta);
  publishCommittedEvents(deps, applied.eventIds);
  return { duplicate: false, results: itemResults(plan.items, applied.items), created: applied.created };
}

/** One contact: its fields, or the item's own error (a bad key: 400, a missing contact: 404). */
export async function updateContact(
  deps: Deps,
  input: { caller: Caller; requestId: string; contactId: string; entries: UpdateItem["entries"] },
): Promise<UpdatedField[]> {
  const { results } = await updateMetadata(deps, {
    caller: input.caller,
    requestId: input.requestId,
    items: [{ contactId: input.contactId, entries: input.entries }],
  });
  for (const result of results) {
    if (!result.ok) {
      throw result.error;
    }
    return result.fields;
  }
  return [];
}

/**
 * Stage 2: ONE matcher call for the unmatched keys of all items, only for a caller the database
 * confirmed moments ago (a forged or revoked key never costs the tenant an LLM call). Without a
 * matcher, definitions or a working answer, nothing is resolved: the keys become new fields.
 */
async function resolveUnmatched(
  deps: Deps,
  caller: Caller,
  asked: readonly AskedField[],
  definitions: readonly FieldDefinition[],
): Promise<Resolution> {
  if (asked.length === 0 || definitions.length === 0) {
    return NO_RESOLUTION;
  }
  if (!deps.matcher) {
    deps.meter.llm = { calls: 0, durationMs: 0, outcome: "not_configured" };
    return NO_RESOLUTION;
  }
  await ensureVerified(deps, caller, LLM_CALLER_MS);
  try {
    const { resolution, report } = await deps.matcher.match(
      asked.map(({ key, sourceKey, value }) => ({ key, sourceKey, value })),
      definitions,
    );
    deps.meter.llm = report;
    return resolution;
  } catch (err) {
    deps.log("matcher_failed", err);
    deps.meter.llm = { calls: 0, durationMs: 0, outcome: "failed" };
    return NO_RESOLUTION;
  }
}
