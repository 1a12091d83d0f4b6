import * as z from "zod/mini";

/**
 * The answer the LLM must give, built per request: `field` can only be one of the tenant's
 * definition keys and `key` only one of the keys we asked about, so a hallucinated name fails
 * validation as a whole instead of landing anywhere.
 */
export function llmAnswerSchema(askedKeys: readonly string[], definitionKeys: readonly string[]) {
  const asked = z.enum(askedKeys as [string, ...string[]]);
  const field = z.enum(definitionKeys as [string, ...string[]]);
  return z.strictObject({
    mappings: z.array(
      z.strictObject({ key: asked, field: z.nullable(field), value: z.nullable(z.string()) }),
    ),
    extracted: z.array(z.strictObject({ from_key: asked, field, value: z.string() })),
  });
}
export type LlmAnswer = z.infer<ReturnType<typeof llmAnswerSchema>>;
