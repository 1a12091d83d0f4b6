// Usage metering as SQL fragments for the statements that already run (issue 15): no round trip of
// its own. Every metered statement appends one row to usage_events (append-only: concurrent
// requests of one tenant never wait on one another); a statement that follows an LLM call also
// adds its tokens to one of the tenant's 8 monthly spend shards, which the budget check reads.
import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { TenantSpend } from "../../core/usage/llm-budget";
import type { UsageDay, UsageRecord } from "../../core/usage/usage-record";
import type { UsageStore } from "../../services/ports";
import type { Database } from "./client";
import { authCte, Count, one, run } from "./sql";

/** The spend shards per tenant and month (llm_spend_shards). */
const SPEND_SHARDS = 8;
const TODAY = sql`(now() AT TIME ZONE 'UTC')::date`;
const THIS_MONTH = sql`date_trunc('month', now() AT TIME ZONE 'UTC')::date`;

const tokensOf = (usage: UsageRecord | null): number =>
  usage && usage.llm.calls > 0 ? usage.llm.promptTokens + usage.llm.completionTokens : 0;

/**
 * CTE `usage_row`: the request's usage row. Needs `auth`. `served` (SQL boolean): the request did
 * its work and answers 2xx (counted as a request, with `fields` values written and `contacts`
 * created); otherwise the row is written only to carry the LLM tokens the request spent (a replay
 * after an LLM call, a duplicate webhook delivery). `usage` null: metering is off.
 */
export function usageCte(
  usage: UsageRecord | null,
  served: SQL,
  counts: { fields?: SQL; contacts?: SQL } = {},
): SQL {
  if (!usage) {
    return sql`usage_row AS (SELECT NULL WHERE false)`;
  }
  const { calls, promptTokens, completionTokens } = usage.llm;
  return sql`usage_row AS (
  INSERT INTO usage_events (tenant_id, day, api_key_id, webhook_id, request_id, requests, fields_written,
    contacts_created, llm_calls, prompt_tokens, completion_tokens)
  SELECT auth.tenant_id, ${TODAY}, auth.api_key_id, auth.webhook_id, ${usage.requestId},
    CASE WHEN ${served} THEN 1 ELSE 0 END,
    CASE WHEN ${served} THEN ${counts.fields ?? sql`0`} ELSE 0 END,
    CASE WHEN ${served} THEN ${counts.contacts ?? sql`0`} ELSE 0 END,
    ${calls}::int, ${promptTokens}::int, ${completionTokens}::int
  FROM auth WHERE (${served}) OR ${calls}::int > 0
  RETURNING 1
)`;
}

/**
 * CTE `spend`: the LLM call's tokens added to a random one of the tenant's monthly shards (only
 * after a call). Statements that take this lock all have the apply statement's shape, so they take
 * their locks in one order and cannot deadlock on it.
 */
export function spendCte(usage: UsageRecord | null): SQL {
  if (!usage || usage.llm.calls === 0) {
    return sql`spend AS (SELECT NULL WHERE false)`;
  }
  return sql`spend AS (
  INSERT INTO llm_spend_shards AS s (tenant_id, month, shard, calls, tokens)
  SELECT auth.tenant_id, ${THIS_MONTH}, floor(random() * ${SPEND_SHARDS})::int, ${usage.llm.calls}::int,
    ${tokensOf(usage)}::bigint
  FROM auth
  ON CONFLICT (tenant_id, month, shard) DO UPDATE SET calls = s.calls + excluded.calls, tokens = s.tokens + excluded.tokens
  RETURNING 1
)`;
}

/**
 * The tenant's budget and this month's spend, as jsonb `{month, budget, spent}` (null when the
 * caller is unauthorized). Without a budget the shards are not read (spent: 0) unless `always`.
 * A statement's own CTEs are invisible to its snapshot, so the tokens `usage` adds are counted here.
 */
export const spendColumn = (usage: UsageRecord | null = null, always = false): SQL => sql`(
  SELECT jsonb_build_object('month', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM'), 'budget', t.llm_token_budget,
    'spent', CASE WHEN t.llm_token_budget IS NULL AND NOT ${always}::boolean THEN 0 ELSE ${tokensOf(usage)}::bigint + (
      SELECT COALESCE(sum(s.tokens), 0) FROM llm_spend_shards s WHERE s.tenant_id = t.id AND s.month = ${THIS_MONTH}) END)
  FROM tenants t JOIN auth ON t.id = auth.tenant_id)`;

const SpendSchema = z.object({ month: z.string(), budget: z.nullable(Count), spent: Count });

/** The parsed `spendColumn` (null: unauthorized). */
export const spendOf = (column: unknown): TenantSpend | null =>
  column === null || column === undefined ? null : z.parse(SpendSchema, column);

const UsageDaySchema = z.object({
  day: z.string(),
  requests: Count,
  fields_written: Count,
  contacts_created: Count,
  llm_calls: Count,
  llm_prompt_tokens: Count,
  llm_completion_tokens: Count,
});

/** Rolls a tenant's rows up per UTC day (an index-only scan: migrations/0005). */
export const usageDaysSql = (tenantId: SQL, from: string, to: string): SQL => sql`COALESCE((
  SELECT jsonb_agg(to_jsonb(d) ORDER BY d.day) FROM (
    SELECT to_char(u.day, 'YYYY-MM-DD') AS day, sum(u.requests) AS requests, sum(u.fields_written) AS fields_written,
      sum(u.contacts_created) AS contacts_created, sum(u.llm_calls) AS llm_calls,
      sum(u.prompt_tokens) AS llm_prompt_tokens, sum(u.completion_tokens) AS llm_completion_tokens
    FROM usage_events u WHERE u.tenant_id = ${tenantId} AND u.day BETWEEN ${from}::date AND ${to}::date
    GROUP BY u.day
  ) d
), '[]'::jsonb)`;

export const parseUsageDays = (column: unknown): UsageDay[] => z.parse(z.array(UsageDaySchema), column);

export function createUsageStore(db: Database): UsageStore {
  return {
    async days({ caller, from, to, record }) {
      const row = await one(
        db,
        z.object({ authorized: z.boolean(), days: z.unknown(), llm_spend: z.unknown() }),
        sql`
        WITH ${authCte(caller)},
        ${usageCte(record, sql`true`)}
        SELECT EXISTS (SELECT 1 FROM auth) AS authorized,
          ${usageDaysSql(sql`(SELECT tenant_id FROM auth)`, from, to)} AS days,
          ${spendColumn(null, true)} AS llm_spend
      `,
      );
      const spend = spendOf(row.llm_spend);
      if (!row.authorized || !spend) {
        return { status: "unauthorized" };
      }
      return { status: "ok", days: parseUsageDays(row.days), spend };
    },

    async recordSpend({ caller, record }) {
      await run(
        db,
        sql`
        WITH ${authCte(caller)}, ${usageCte(record, sql`false`)}, ${spendCte(record)}
        SELECT 1
      `,
      );
    },
  };
}
