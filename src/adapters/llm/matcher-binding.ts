import type { FieldMatcher } from "../../services/ports";

/**
 * The LLM Worker over its service binding: an RPC call within the same colo, no HTTP hop. Typed by
 * what the API Worker needs of it, not by the LLM Worker's module, so this adapter does not reach
 * into that Worker's code (env.ts names the binding's full type).
 */
export function createMatcherBinding(binding: FieldMatcher): FieldMatcher {
  return {
    async match(fields, definitions) {
      return await binding.match([...fields], [...definitions]);
    },
  };
}
