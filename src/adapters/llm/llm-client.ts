/** What the matching stage needs from an LLM: one chat completion whose content should be JSON. */
export interface LlmClient {
  complete(request: {
    system: string;
    user: string;
    schemaName: string;
    jsonSchema: object;
  }): Promise<LlmAnswer>;
}

export interface LlmAnswer {
  content: string;
  /** The provider's `usage` (the tenant's spend); absent when it reported none. */
  usage?: { promptTokens: number; completionTokens: number };
}
