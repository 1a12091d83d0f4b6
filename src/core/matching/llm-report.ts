/** How the request's one LLM call went, for Server-Timing, usage and logs. */
export interface LlmCallReport {
  calls: number;
  durationMs: number;
  /**
   * `skipped`: nothing to ask or nothing to map to; `not_configured`: no LLM bound or no key;
   * `failed`: timeout or HTTP error; `invalid_answer`: the answer failed validation.
   */
  outcome: "ok" | "skipped" | "not_configured" | "failed" | "invalid_answer";
}

export const NO_LLM_CALL: LlmCallReport = { calls: 0, durationMs: 0, outcome: "skipped" };
