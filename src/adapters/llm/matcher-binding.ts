import type { LlmMatcher } from "../../llm-matcher/worker";
import type { FieldMatcher } from "../../services/ports";

/** The LLM Worker over its service binding: an RPC call within the same colo, no HTTP hop. */
export function createMatcherBinding(binding: Service<LlmMatcher>): FieldMatcher {
  return {
    async match(fields, definitions) {
      return await binding.match([...fields], [...definitions]);
    },
  };
}
