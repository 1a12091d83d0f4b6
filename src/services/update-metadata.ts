import { DomainError } from "../core/errors";
import type { FieldDefinition } from "../core/fields/definition";
import type { IdempotencyClaim } from "../core/idempotency/idempotency";
import { noCall } from "../core/matching/llm-report";
import { NO_RESOLUTION, type Resolution } from "../core/matching/resolution";
import { type ItemResult, itemResults, type UpdatedField } from "../core/metadata/item-results";
import {
  type AskedField,
  matchItems,
  mayFormatPhoneNumbers,
  planUpdate,
  prepareItems,
  type UpdateItem,
} from "../core/metadata/plan-update";
import { ensureVerified, unauthenticated } from "./caller";
import { keepDefinitionsCurrent, loadDefinitions } from "./definitions";
import type { Deps } from "./deps";
import { publishCommittedEvents } from "./events";
import { answerEarlierClaim } from "./idempotency";
import { identityConflict } from "./identity-conflict";
import type { Caller, Contact, IdentityClaim, IdentityOutcome } from "./ports";
import { addOwnSpend, llmAllowance, meterServed, noteSpend, recordRefusedSpend, usageRecord } from "./usage";

export interface UpdateInput {
  caller: Caller;
  requestId: string;
  items: readonly UpdateItem[];
  /** Webhook callers: the submission's own id; a retry of it writes nothing. */
  deliveryId?: string | undefined;
  /** Contacts to create in the same statement; items name them by the ids given here. */
  create?: readonly Contact[];
  /** Single-contact requests: a missing contact is a 404 for the whole request, nothing written. */
  requireContacts?: boolean;
  /** The request's Idempotency-Key, claimed by the statement that writes. */
  idempotency?: IdempotencyClaim | undefined;
  /** Contacts to find or create by email/phone in the same statement; items name them by `ref`. */
  identify?: readonly IdentityClaim[];
}

export interface UpdateOutcome {
  /** A webhook submission applied before (by its delivery id): nothing was written. */
  duplicate: boolean;
  results: ItemResult[];
  created: Contact[];
  /** Per claim of `identify` whose item was sent (not refused on its own). */
  identified: IdentityOutcome[];
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
    return { duplicate: false, results: itemResults(refused, []), created: [], identified: [] };
  }
  // No tenant-sized work (reading and parsing its definitions) for a credential never confirmed.
  await ensureVerified(deps, caller);
  const snapshot = await loadDefinitions(deps, caller.tenantId);
  const matched = matchItems(prepared, snapshot.definitions);
  // Before the LLM call: a request refused because the metadata cannot be read has spent nothing.
  const phoneMetadata = mayFormatPhoneNumbers(matched, snapshot.definitions)
    ? await deps.phoneMetadata()
    : undefined;
  const { resolution, budgetSpent } = await resolveUnmatched(
    deps,
    caller,
    matched.asked,
    snapshot.definitions,
  );
  const plan = planUpdate(matched, resolution, {
    tenantId: caller.tenantId,
    llmBudgetSpent: budgetSpent,
    phoneMetadata,
  });

  const sent = plan.items.flatMap((item) => ("writes" in item ? [item] : []));
  // A claim whose item was refused (a bad key) must not create its contact: all or nothing.
  const sentIds = new Set(sent.map((item) => item.contactId));
  const applied = await deps.metadata.apply({
    caller,
    requestId: input.requestId,
    items: sent,
    newDefinitions: plan.newDefinitions,
    learnedAliases: plan.learnedAliases,
    deliveryId: input.deliveryId,
    create: (input.create ?? []).map(({ id, name, email, phone }) => ({ id, name, email, phone })),
    requireContacts: input.requireContacts ?? false,
    idempotency: input.idempotency,
    usage: usageRecord(deps, input.requestId),
    identify: (input.identify ?? []).filter((claim) => sentIds.has(claim.ref)),
  });
  switch (applied.status) {
    case "unauthorized":
      throw unauthenticated(caller);
    case "duplicate":
      meterServed(deps, caller, { requests: 0 });
      return { duplicate: true, results: [], created: [], identified: [] };
    case "claimed_earlier":
      // Nothing written; this request's LLM call (if any) was recorded by the statement.
      noteSpend(deps, caller.tenantId, applied.spend);
      meterServed(deps, caller, { requests: 0 });
      return answerEarlierClaim(applied.earlier, input.idempotency);
    case "identity_refused": {
      // A single contact named by email or phone that the statement refused (409): nothing written.
      recordRefusedSpend(deps, caller, input.requestId);
      const refused = applied.identified.find((o) => o.id === null);
      const claim = input.identify?.find((c) => c.ref === refused?.ref);
      if (!refused || !claim) {
        throw new Error("an identity refusal without its claim");
      }
      throw identityConflict(claim, refused);
    }
    case "not_found":
      recordRefusedSpend(deps, caller, input.requestId);
      throw new DomainError("NOT_FOUND", `contact ${sent[0]?.contactId ?? "?"} not found`);
    case "identity_taken":
      recordRefusedSpend(deps, caller, input.requestId);
      throw new DomainError(
        "CONFLICT",
        "another request created a contact with this email or phone at the same moment; nothing was written: retry",
      );
    case "limit_exceeded":
      recordRefusedSpend(deps, caller, input.requestId);
      throw new DomainError(
        "DEFINITION_LIMIT_EXCEEDED",
        `this request would create ${applied.keys.length} custom field definition(s) past the tenant's limit of ${applied.limit}; nothing was written`,
        { limit: applied.limit, count: applied.count, keys: applied.keys },
      );
  }
  deps.isolate.verified.remember(caller.keyHash);
  noteSpend(deps, caller.tenantId, applied.spend);
  meterServed(deps, caller, {
    requests: 1,
    fieldsWritten: applied.items.reduce(
      (n, fields) => n + (fields?.filter((f) => f.id !== null).length ?? 0),
      0,
    ),
    contactsCreated: applied.created.length + applied.identified.filter((i) => i.created).length,
  });
  keepDefinitionsCurrent(deps, caller.tenantId, snapshot, applied.version, applied.delta);
  publishCommittedEvents(deps, applied.eventIds);
  return {
    duplicate: false,
    results: itemResults(plan.items, applied.items),
    created: applied.created,
    identified: applied.identified,
  };
}

/** One contact: its fields, or the item's own error (a bad key: 400, a missing contact: 404). */
export async function updateContact(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    contactId: string;
    entries: UpdateItem["entries"];
    idempotency?: IdempotencyClaim | undefined;
  },
): Promise<UpdatedField[]> {
  const { results } = await updateMetadata(deps, {
    caller: input.caller,
    requestId: input.requestId,
    items: [{ contactId: input.contactId, entries: input.entries }],
    requireContacts: true,
    idempotency: input.idempotency,
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
 * confirmed moments ago (a forged or revoked key never costs the tenant an LLM call) and a tenant
 * whose monthly LLM budget is not spent. Without a matcher, definitions, budget or a working
 * answer, nothing is resolved: the keys become new fields.
 */
async function resolveUnmatched(
  deps: Deps,
  caller: Caller,
  asked: readonly AskedField[],
  definitions: readonly FieldDefinition[],
): Promise<{ resolution: Resolution; budgetSpent: boolean }> {
  const none = { resolution: NO_RESOLUTION, budgetSpent: false };
  if (asked.length === 0 || definitions.length === 0) {
    return none;
  }
  if (!deps.matcher) {
    deps.meter.llm = noCall("not_configured");
    return none;
  }
  if ((await llmAllowance(deps, caller)) === "spent") {
    deps.meter.llm = noCall("budget");
    return { resolution: NO_RESOLUTION, budgetSpent: true };
  }
  try {
    const { resolution, report } = await deps.matcher.match(
      asked.map(({ key, sourceKey, value }) => ({ key, sourceKey, value })),
      definitions,
    );
    deps.meter.llm = report;
    addOwnSpend(deps, caller.tenantId);
    return { resolution, budgetSpent: false };
  } catch (err) {
    deps.log("matcher_failed", err);
    deps.meter.llm = noCall("failed");
    return none;
  }
}
