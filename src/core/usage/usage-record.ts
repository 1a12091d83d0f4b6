/** What one statement records as the request's usage (metering on). */
export interface UsageRecord {
  requestId: string;
  /** The request's LLM call, as its report says (calls 0: none). */
  llm: { calls: number; promptTokens: number; completionTokens: number };
}

/** One UTC day of a tenant's usage, as GET /api/public/usage shows it. */
export interface UsageDay {
  day: string;
  requests: number;
  fields_written: number;
  contacts_created: number;
  llm_calls: number;
  llm_prompt_tokens: number;
  llm_completion_tokens: number;
}

const COUNTERS = [
  "requests",
  "fields_written",
  "contacts_created",
  "llm_calls",
  "llm_prompt_tokens",
  "llm_completion_tokens",
] as const;

/** The sum of some days. */
export function totalOf(days: readonly UsageDay[]): Omit<UsageDay, "day"> {
  const total = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Omit<UsageDay, "day">;
  for (const day of days) {
    for (const counter of COUNTERS) {
      total[counter] += day[counter];
    }
  }
  return total;
}
