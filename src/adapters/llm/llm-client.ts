/** What the matching stage needs from an LLM: one chat completion whose content should be JSON. */
export interface LlmClient {
  complete(request: {
    system: string;
    user: string;
    schemaName: string;
    jsonSchema: object;
  }): Promise<string>;
}
