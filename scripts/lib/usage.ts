import type { Query } from "./pg-query";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `--tokens`: a whole number of tokens (0: never the LLM) or `none` (no cap). */
export const isTokenBudget = (tokens: string): boolean =>
  tokens === "none" || (/^\d{1,15}$/.test(tokens) && Number.isSafeInteger(Number(tokens)));

/** `--month`: `YYYY-MM`. */
export const isMonth = (month: string): boolean => MONTH.test(month);

/**
 * Sets a tenant's monthly LLM token budget (prompt + completion tokens per UTC month); `none`
 * removes the cap. Running Workers see it within 10 s (their cached spend's lifetime).
 */
export async function setLlmBudget(
  query: Query,
  tenantId: string,
  tokens: string,
): Promise<{ tenant_id: string; llm_token_budget: number | null }> {
  if (!isTokenBudget(tokens)) {
    throw new Error(`--tokens must be a whole number of tokens (0 or more) or "none", got "${tokens}"`);
  }
  const budget = tokens === "none" ? null : Number(tokens);
  const rows = await query<{ id: string }>(
    "UPDATE tenants SET llm_token_budget = $2 WHERE id = $1 RETURNING id",
    [tenantId, budget],
  );
  if (rows.length === 0) {
    throw new Error(`no tenant ${tenantId}`);
  }
  return { tenant_id: tenantId, llm_token_budget: budget };
}

export interface MonthUsage {
  tenant_id: string;
  month: string;
  days: {
    day: string;
    requests: number;
    fields_written: number;
    contacts_created: number;
    llm_calls: number;
    llm_prompt_tokens: number;
    llm_completion_tokens: number;
  }[];
  totals: Omit<MonthUsage["days"][number], "day">;
  llm_token_budget: number | null;
  llm_tokens_spent: number;
}

/** A tenant's usage per UTC day of a month (`YYYY-MM`), its totals and the month's LLM spend. */
export async function monthUsage(query: Query, tenantId: string, month: string): Promise<MonthUsage> {
  if (!isMonth(month)) {
    throw new Error(`--month must be YYYY-MM, got "${month}"`);
  }
  const first = `${month}-01`;
  const [tenant] = await query<{ budget: string | null }>(
    "SELECT llm_token_budget AS budget FROM tenants WHERE id = $1",
    [tenantId],
  );
  if (!tenant) {
    throw new Error(`no tenant ${tenantId}`);
  }
  const rows = await query<Record<string, string>>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(requests) AS requests, sum(fields_written) AS fields_written,
       sum(contacts_created) AS contacts_created, sum(llm_calls) AS llm_calls,
       sum(prompt_tokens) AS llm_prompt_tokens, sum(completion_tokens) AS llm_completion_tokens
     FROM usage_events
     WHERE tenant_id = $1 AND day >= $2::date AND day < ($2::date + interval '1 month')
     GROUP BY day ORDER BY day`,
    [tenantId, first],
  );
  const [spend] = await query<{ tokens: string }>(
    "SELECT COALESCE(sum(tokens), 0) AS tokens FROM llm_spend_shards WHERE tenant_id = $1 AND month = $2::date",
    [tenantId, first],
  );
  const days = rows.map((r) => ({
    day: r.day ?? "",
    requests: Number(r.requests),
    fields_written: Number(r.fields_written),
    contacts_created: Number(r.contacts_created),
    llm_calls: Number(r.llm_calls),
    llm_prompt_tokens: Number(r.llm_prompt_tokens),
    llm_completion_tokens: Number(r.llm_completion_tokens),
  }));
  const totals = {
    requests: 0,
    fields_written: 0,
    contacts_created: 0,
    llm_calls: 0,
    llm_prompt_tokens: 0,
    llm_completion_tokens: 0,
  };
  for (const day of days) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
      totals[key] += day[key];
    }
  }
  return {
    tenant_id: tenantId,
    month,
    days,
    totals,
    llm_token_budget: tenant.budget === null ? null : Number(tenant.budget),
    llm_tokens_spent: Number(spend?.tokens ?? 0),
  };
}
