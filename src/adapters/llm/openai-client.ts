import OpenAI from "openai";
import type { LlmClient } from "./llm-client";

export interface LlmConfig {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  timeoutMs: number;
}

/** The only module that imports `openai`. Works with OpenAI, Cloudflare AI Gateway / Workers AI and any compatible server. */
export function createOpenAiClient(config: LlmConfig): LlmClient {
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs,
    // The contract is one call per request at most; a retry would be a second (paid) call.
    maxRetries: 0,
  });
  return {
    async complete({ system, user, schemaName, jsonSchema }) {
      const completion = await client.chat.completions.create({
        model: config.model,
        temperature: 0,
        messages: [
          { role: "system", content: system },
          { role: "user", content: user },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name: schemaName, schema: jsonSchema as Record<string, unknown>, strict: false },
        },
      });
      const content = completion.choices[0]?.message.content ?? "";
      // `usage` is what the provider bills; OpenAI-compatible servers may leave it out.
      const usage = completion.usage;
      return usage
        ? { content, usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } }
        : { content };
    },
  };
}
