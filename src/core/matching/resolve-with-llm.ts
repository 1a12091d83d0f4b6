import * as z from "zod/mini";
import type { FieldDefinition } from "../fields/definition";
import type { NormalizedField } from "../metadata/normalize-entries";
import type { Resolution, ValueFormatter } from "../metadata/plan-update";
import { isGroundedIn } from "./grounded";
import { llmAnswerSchema } from "./llm-answer";
import type { LlmCallReport, LlmClient } from "./llm-port";
import { buildUserMessage, LLM_LIMITS, SYSTEM_PROMPT, selectDefinitions } from "./llm-prompt";

export interface LlmStageDeps {
  /** Absent when no LLM is configured: every unmatched key then becomes a new field. */
  llm?: LlmClient;
  formatValue: ValueFormatter;
  /** Milliseconds, for the call's duration. */
  clock: () => number;
  report: (report: LlmCallReport) => void;
}

const nothing: Resolution = { mapped: new Map(), extracted: [], learnedAliases: [] };

/**
 * Stage 2 of matching: ONE call for all unmatched keys of the request. The answer is trusted only
 * after validation (known keys and fields, values that pass the field's type formatting); any
 * failure falls back to "nothing matched", and only validated mappings are learned as aliases.
 */
export async function resolveWithLlm(
  fields: readonly NormalizedField[],
  definitions: readonly FieldDefinition[],
  deps: LlmStageDeps,
): Promise<Resolution> {
  if (!deps.llm || definitions.length === 0) {
    deps.report({ calls: 0, durationMs: 0, outcome: "not_configured" });
    return nothing;
  }
  const asked = fields.slice(0, LLM_LIMITS.keys);
  const offered = selectDefinitions(definitions, asked);
  const schema = llmAnswerSchema(
    asked.map((f) => f.key),
    offered.map((d) => d.key),
  );

  const started = deps.clock();
  let content: string;
  try {
    content = await deps.llm.complete({
      system: SYSTEM_PROMPT,
      user: buildUserMessage(asked, offered),
      schemaName: "field_mapping",
      jsonSchema: z.toJSONSchema(schema, { target: "draft-7" }),
    });
  } catch {
    deps.report({ calls: 1, durationMs: deps.clock() - started, outcome: "failed" });
    return nothing;
  }
  const durationMs = deps.clock() - started;

  const parsed = z.safeParse(schema, parseJson(content));
  if (!parsed.success) {
    deps.report({ calls: 1, durationMs, outcome: "invalid_answer" });
    return nothing;
  }
  deps.report({ calls: 1, durationMs, outcome: "ok" });

  const byKey = new Map(offered.map((d) => [d.key, d]));
  const fieldByKey = new Map(asked.map((f) => [f.key, f]));
  /** A value is accepted only if the field's own formatter takes it without a warning. */
  const fits = (definition: FieldDefinition, value: string): string | undefined => {
    const formatted = deps.formatValue(definition, value);
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
  return { mapped, extracted, learnedAliases };
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
