/** What the matching stage needs from an LLM: one chat completion whose content should be JSON. */
export interface LlmClient {
  complete(request: {
    system: string;
    user: string;
    schemaName: string;
    jsonSchema: object;
  }): Promise<string>;
}

/** How the request's one LLM call went, for Server-Timing and logs. */
export interface LlmCallReport {
  calls: number;
  durationMs: number;
  /** `no_definitions`: the tenant has nothing to map to, so no call was worth making. */
  outcome: "ok" | "not_configured" | "no_definitions" | "failed" | "invalid_answer";
}
