// The LLM Worker: stage 2 of matching, reached by the API Worker over a service binding (RPC).
// It holds the `openai` SDK and the LLM settings, so the API Worker's bundle stays small and a
// request whose keys all match deterministically never loads any of this.
import { WorkerEntrypoint } from "cloudflare:workers";
import * as z from "zod/mini";
import { createOpenAiClient } from "../adapters/llm/openai-client";
import type { FieldDefinition } from "../core/fields/definition";
import type { UnmatchedField } from "../core/matching/unmatched-field";
import { type MatchResult, matchFields } from "./match-fields";

export interface LlmMatcherBindings {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  LLM_TIMEOUT_MS?: string;
}

const nonEmpty = z.string().check(z.minLength(1));
const LlmConfigSchema = z.object({
  /** No key, no LLM: the API Worker then turns unmatched keys into new fields. */
  OPENAI_API_KEY: z.optional(nonEmpty),
  OPENAI_BASE_URL: z.optional(z.url()),
  OPENAI_MODEL: z._default(nonEmpty, "gpt-4o-mini"),
  LLM_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(30_000)), 3000),
});

export class LlmMatcher extends WorkerEntrypoint<LlmMatcherBindings> {
  async match(fields: UnmatchedField[], definitions: FieldDefinition[]): Promise<MatchResult> {
    const config = z.parse(LlmConfigSchema, this.env);
    const llm = config.OPENAI_API_KEY
      ? createOpenAiClient({
          apiKey: config.OPENAI_API_KEY,
          baseURL: config.OPENAI_BASE_URL,
          model: config.OPENAI_MODEL,
          timeoutMs: config.LLM_TIMEOUT_MS,
        })
      : undefined;
    return matchFields(fields, definitions, { llm, clock: () => Date.now() });
  }
}

// Only reachable through the binding; a direct HTTP request has nothing to do here.
export default {
  fetch: () => new Response("not found", { status: 404 }),
};
