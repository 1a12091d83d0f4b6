/** A tenant's LLM spend in the current UTC month, as the last statement that read it saw it. */
export interface TenantSpend {
  /** `YYYY-MM`, UTC. */
  month: string;
  /** Tokens the tenant may spend this month; null: no cap. */
  budget: number | null;
  /** Prompt + completion tokens recorded this month. */
  spent: number;
}

/** Past the budget, the request still succeeds, without the LLM. */
export const budgetSpent = (spend: TenantSpend): boolean =>
  spend.budget !== null && spend.spent >= spend.budget;

/** `YYYY-MM` of a time, in UTC. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

/** The warning on each field that would have been asked to the LLM. */
export const LLM_BUDGET_SPENT_WARNING =
  "not sent to the LLM: the tenant's monthly LLM token budget is spent (matched without it)";
