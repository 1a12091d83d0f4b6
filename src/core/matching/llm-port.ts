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
  outcome: "ok" | "not_configured" | "failed" | "invalid_answer";
}
