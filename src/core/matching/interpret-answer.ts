import * as z from "zod/mini";
import type { FieldDefinition } from "../fields/definition";
import type { PhoneMetadata } from "../format/format-phone";
import { formatValue } from "../format/format-value";
import { isGroundedIn } from "./grounded";
import { broaderConcept, type ConceptId, conceptOf } from "./lexicon";
import { llmAnswerSchema } from "./llm-answer";
import { NO_RESOLUTION, type Resolution } from "./resolution";
import type { UnmatchedField } from "./unmatched-field";

/**
 * Turns the LLM's answer into a resolution, trusting it only after validation (known keys and fields, values that pass the field's type formatting, rewrites
 * and facts grounded in what was sent); any failure falls back to "nothing matched".
 *
 * Nothing an instruction hidden in a value makes the model say may be written or remembered:
 * - a key is not mapped when its value is free text (`isFreeText`) or when the lexicon knows the
 *   key as another field (`contradictsLexicon`);
 * - a fact extracted from free text is kept only if grounded token by token (`isGroundedIn`),
 *   and it never overrides a field the request set itself (plan-update);
 * - an alias is learned only from a key-level mapping whose value AS SENT passed the field's type
 *   formatting (not the model's rewrite, not a clear), whose key the model did not also read as
 *   free text (no fact extracted from it), in a call with no free text at all.
 */
export function interpretAnswer(
  content: string,
  asked: readonly UnmatchedField[],
  offered: readonly FieldDefinition[],
  /** To check values for phone fields (the LLM Worker bundles it). */
  phoneMetadata: PhoneMetadata,
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
    const formatted = formatValue(definition, value, { phoneMetadata });
    return formatted.warning ? undefined : formatted.value;
  };

  // Facts first: a key the model read as free text (it extracted from it) teaches no alias.
  const readAsText = new Set(parsed.data.extracted.map((fact) => fact.from_key));
  const extracted: Resolution["extracted"][number][] = [];
  for (const fact of parsed.data.extracted) {
    const source = fieldByKey.get(fact.from_key);
    const definition = byKey.get(fact.field);
    const value =
      definition && source?.value && isGroundedIn(fact.value, source.value, definition)
        ? fits(definition, fact.value)
        : undefined;
    if (source && definition && value !== undefined) {
      extracted.push({ definition, value, sourceKey: source.sourceKey });
    }
  }

  // Any free text in the call could have steered any mapping of it, not only its own key's.
  const teaches = !asked.some((f) => isFreeText(f.value));
  const mapped = new Map<string, { definition: FieldDefinition; value: string | null }>();
  const learnedAliases: { definitionKey: string; alias: string }[] = [];
  for (const mapping of parsed.data.mappings) {
    const field = fieldByKey.get(mapping.key);
    const definition = mapping.field === null ? undefined : byKey.get(mapping.field);
    if (!field || !definition || mapped.has(field.key)) {
      continue;
    }
    if (contradictsLexicon(field.key, definition)) {
      // The lexicon knows what the key means (`comments` is notes) and the field means something else.
      continue;
    }
    if (field.value === null) {
      // A clear says nothing about what the key means: applied, never learned.
      mapped.set(field.key, { definition, value: null });
      continue;
    }
    if (isFreeText(field.value)) {
      // The model could only have judged this key by its value, and a sentence is where an
      // injected instruction hides: facts may be extracted from it, the key is not mapped.
      continue;
    }
    // Deterministic formatting of what was sent wins; the LLM's rewrite is the fallback for messy
    // values ("about 500"), and only when it re-shapes the original rather than replacing it.
    const asSent = fits(definition, field.value);
    const value =
      asSent ??
      (mapping.value !== null && isGroundedIn(mapping.value, field.value, definition)
        ? fits(definition, mapping.value)
        : undefined);
    if (value === undefined) {
      // The LLM says "this is an email" but nothing in it formats as one: not believed, not learned.
      continue;
    }
    mapped.set(field.key, { definition, value });
    // Remembered for every later request: only when the value as sent proved the mapping's type.
    if (teaches && asSent !== undefined && !readAsText.has(field.key)) {
      learnedAliases.push({ definitionKey: definition.key, alias: field.key });
    }
  }
  return { outcome: "ok", resolution: { mapped, extracted, learnedAliases } };
}

/**
 * More than this many words is free text (a message, a note), not the value of one field. Names,
 * company names, job titles, cities, dates and numbers fit within it; an instruction to a model
 * needs a sentence. A longer value is never mapped by key, and a call that holds one teaches no
 * alias: the model was told about the key only through its value.
 */
export const FREE_TEXT_WORDS = 6;

export function isFreeText(value: string | null): boolean {
  return value !== null && value.trim().split(/\s+/).length > FREE_TEXT_WORDS;
}

/** Concepts of the lexicon related to `concept`: itself and its broader ones. */
function lineOf(concept: ConceptId): ConceptId[] {
  const line: ConceptId[] = [];
  for (let c: ConceptId | undefined = concept; c; c = broaderConcept(c)) {
    line.push(c);
  }
  return line;
}

/**
 * Whether the lexicon says the asked key and the definition are different fields: both name a
 * concept, and neither's concept is the other's or a broader one (`mobile` -> `phone` is fine,
 * `comments` -> `company_name` is not). A key or field the lexicon does not know is never vetoed.
 */
export function contradictsLexicon(key: string, definition: FieldDefinition): boolean {
  const asked = conceptOf(key);
  if (!asked) {
    return false;
  }
  const named = [definition.key, definition.label, ...definition.aliases].flatMap((name) => {
    const concept = conceptOf(name);
    return concept ? [concept] : [];
  });
  if (named.length === 0) {
    return false;
  }
  return !named.some((concept) => lineOf(concept).includes(asked) || lineOf(asked).includes(concept));
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
