import * as z from "zod/mini";
import type { FieldDefinition } from "../fields/definition";
import { formatValue } from "../format/format-value";
import { isGroundedIn } from "./grounded";
import { llmAnswerSchema } from "./llm-answer";
import { NO_RESOLUTION, type Resolution } from "./resolution";
import type { UnmatchedField } from "./unmatched-field";

/**
 * Turns the LLM's answer into a resolution, trusting it only after validation: it may name only the
 * keys it was asked about and the definitions it was offered, and values must pass the field's
 * type formatting. Any failure is "nothing matched"; only validated mappings are learned as aliases.
 */
export function interpretAnswer(
  content: string,
  asked: readonly UnmatchedField[],
  offered: readonly FieldDefinition[],
): { outcome: "ok" | "invalid_answer"; resolution: Resolution } {
  const schema = llmAnswerSchema(
    asked.map((f) => f.key),
    offered.map((d) => d.key),
  );
  const parsed = z.safeParse(schema, parseJson(content));
  if (!parsed.success) {
    return { outcome: "invalid_answer", resolution: NO_RESOLUTION };
  }

  const byKey = new Map(offered.map((d) => [d.key, d]));
  const fieldByKey = new Map(asked.map((f) => [f.key, f]));
  /** A value is accepted only if the field's own formatter takes it without a warning. */
  const fits = (definition: FieldDefinition, value: string): string | undefined => {
    const formatted = formatValue(definition, value);
    return formatted.warning ? undefined : formatted.value;
  };
  /**
   * Deterministic formatting of what was sent wins; the LLM's rewrite is the fallback for messy
   * values ("about 500"), and only when it re-shapes the original rather than replacing it.
   */
  const valueFor = (definition: FieldDefinition, original: string, rewritten: string | null) =>
    fits(definition, original) ??
    (rewritten !== null && isGroundedIn(rewritten, original) ? fits(definition, rewritten) : undefined);

  const mapped = new Map<string, { definition: FieldDefinition; value: string | null }>();
  const learnedAliases: { definitionKey: string; alias: string }[] = [];
  for (const mapping of parsed.data.mappings) {
    const field = fieldByKey.get(mapping.key);
    const definition = mapping.field === null ? undefined : byKey.get(mapping.field);
    if (!field || !definition || mapped.has(field.key)) {
      continue;
    }
    if (field.value === null) {
      mapped.set(field.key, { definition, value: null });
    } else {
      const value = valueFor(definition, field.value, mapping.value);
      if (value === undefined) {
        // The LLM says "this is an email" but nothing in it formats as one: not believed, not learned.
        continue;
      }
      mapped.set(field.key, { definition, value });
    }
    learnedAliases.push({ definitionKey: definition.key, alias: field.key });
  }

  const extracted: Resolution["extracted"][number][] = [];
  for (const fact of parsed.data.extracted) {
    const source = fieldByKey.get(fact.from_key);
    const definition = byKey.get(fact.field);
    const value =
      definition && source?.value && isGroundedIn(fact.value, source.value)
        ? fits(definition, fact.value)
        : undefined;
    if (source && definition && value !== undefined) {
      extracted.push({ definition, value, sourceKey: source.sourceKey });
    }
  }
  return { outcome: "ok", resolution: { mapped, extracted, learnedAliases } };
}

function parseJson(content: string): unknown {
  // Some OpenAI-compatible servers wrap JSON in a markdown fence even in JSON mode.
  const unfenced = content.replace(/^\s*```(?:json)?\s*/i, "").replace(/\s*```\s*$/, "");
  try {
    return JSON.parse(unfenced);
  } catch {
    return undefined;
  }
}
