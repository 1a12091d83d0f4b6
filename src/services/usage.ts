// What each tenant spends (issue 15): usage rides in the statements that already run; the LLM
// budget is checked before a call from a spend this isolate learned from a recent statement.
import { budgetSpent, monthOf, type TenantSpend } from "../core/usage/llm-budget";
import { usageRange } from "../core/usage/usage-range";
import { totalOf, type UsageRecord } from "../core/usage/usage-record";
import { unauthenticated } from "./caller";
import type { Deps } from "./deps";
import type { Caller } from "./ports";
import { LLM_CALLER_MS } from "./verified-callers";

/** What the request's statement records: the request and its LLM call; null when metering is off. */
export const usageRecord = (deps: Deps, requestId: string): UsageRecord | null =>
  deps.metering
    ? {
        requestId,
        llm: {
          calls: deps.meter.llm.calls,
          promptTokens: deps.meter.llm.promptTokens,
          completionTokens: deps.meter.llm.completionTokens,
        },
      }
    : null;

/** A statement's answer about the tenant's spend, kept for the next budget check in this isolate. */
export function noteSpend(deps: Deps, tenantId: string, spend: TenantSpend | null): void {
  if (spend) {
    deps.isolate.spend.set(tenantId, spend);
  }
}

/**
 * May this request call the LLM? Known BEFORE the call without a round trip of its own: an LLM call
 * already needs the key confirmed by the database within LLM_CALLER_MS, and every statement that
 * confirms a key (the check, the update, the webhook lookup) also answers the tenant's budget and
 * month-to-date spend, kept per isolate for the same 10 s. Only when neither is fresh does the one
 * check statement run, as it did before budgets existed. The spend is then raised by this isolate's
 * own calls as they return, so concurrent requests in one isolate see each other's tokens at once.
 *
 * Overshoot bound: a tenant can pass its budget by the tokens of the calls that started before the
 * spend crossing it was seen, i.e. at most one call per request in flight, plus, across isolates,
 * the calls other isolates made within their last 10 s (their spend is at most that old).
 */
export async function llmAllowance(deps: Deps, caller: Caller): Promise<"ok" | "spent"> {
  let spend = deps.isolate.spend.get(caller.tenantId);
  const fresh =
    spend !== undefined &&
    spend.month === monthOf(deps.now()) &&
    deps.isolate.verified.within(caller.keyHash, LLM_CALLER_MS);
  if (!fresh) {
    const check = await deps.callers.verify(caller);
    if (!check.ok) {
      throw unauthenticated(caller);
    }
    deps.isolate.verified.remember(caller.keyHash);
    noteSpend(deps, caller.tenantId, check.spend);
    spend = check.spend ?? undefined;
  }
  return spend && budgetSpent(spend) ? "spent" : "ok";
}

/** After an LLM call: its tokens count for this isolate's next check before any statement returns. */
export function addOwnSpend(deps: Deps, tenantId: string): void {
  const spend = deps.isolate.spend.get(tenantId);
  const { promptTokens, completionTokens } = deps.meter.llm;
  if (spend && spend.budget !== null && promptTokens + completionTokens > 0) {
    deps.isolate.spend.set(tenantId, { ...spend, spent: spend.spent + promptTokens + completionTokens });
  }
}

/**
 * A statement that refused itself (404, 422) took its usage row with it; the LLM tokens the
 * request spent before it are real, so they are recorded after the response, off the path.
 */
export function recordRefusedSpend(deps: Deps, caller: Caller, requestId: string): void {
  const record = usageRecord(deps, requestId);
  if (record && record.llm.calls > 0) {
    deps.meter.usage = { tenantId: caller.tenantId, requests: 0, fieldsWritten: 0, contactsCreated: 0 };
    deps.defer(() => deps.usage.recordSpend({ caller, record }));
  }
}

/** What the request's statement recorded, for the Analytics Engine data point (src/http/usage-stream.ts). */
export function meterServed(
  deps: Deps,
  caller: Caller,
  counts: { requests: number; fieldsWritten?: number; contactsCreated?: number },
): void {
  deps.meter.usage = {
    tenantId: caller.tenantId,
    requests: counts.requests,
    fieldsWritten: counts.fieldsWritten ?? 0,
    contactsCreated: counts.contactsCreated ?? 0,
  };
}

/** GET /api/public/usage: the tenant's days in a range, totals and this month's LLM budget. */
export async function getUsage(
  deps: Deps,
  input: { caller: Caller; requestId: string; from?: string | undefined; to?: string | undefined },
) {
  const { caller } = input;
  const range = usageRange(input, deps.now());
  const read = await deps.usage.days({ caller, ...range, record: usageRecord(deps, input.requestId) });
  if (read.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  meterServed(deps, caller, { requests: 1 });
  noteSpend(deps, caller.tenantId, read.spend);
  return {
    ...range,
    days: read.days,
    totals: totalOf(read.days),
    llm_budget: {
      month: read.spend.month,
      tokens: read.spend.budget,
      used: read.spend.spent,
      spent: budgetSpent(read.spend),
    },
  };
}
