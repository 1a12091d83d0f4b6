/** How the request's one LLM call went, for Server-Timing, usage and logs. */
export interface LlmCallReport {
  calls: number;
  durationMs: number;
  /**
   * `skipped`: nothing to ask or nothing to map to; `not_configured`: no LLM bound or no key;
   * `failed`: timeout or HTTP error; `invalid_answer`: the answer failed validation; `budget`: not
   * asked, the tenant's monthly LLM token budget is spent.
   */
  outcome: "ok" | "skipped" | "not_configured" | "failed" | "invalid_answer" | "budget";
  /**
   * Tokens the provider reported for the call (`usage.prompt_tokens` / `completion_tokens`): the
   * tenant's spend. 0 when no answer came back (a timeout or an HTTP error reports none, although
   * the provider may still bill a call it finished after we gave up).
   */
  promptTokens: number;
  completionTokens: number;
}

export const NO_LLM_CALL: LlmCallReport = {
  calls: 0,
  durationMs: 0,
  outcome: "skipped",
  promptTokens: 0,
  completionTokens: 0,
};

/** A report of no call, for an outcome. */
export const noCall = (outcome: LlmCallReport["outcome"]): LlmCallReport => ({ ...NO_LLM_CALL, outcome });
