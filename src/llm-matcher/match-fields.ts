import phoneMetadata from "libphonenumber-js/metadata.min.json";
import type { LlmAnswer, LlmClient } from "../adapters/llm/llm-client";
import type { FieldDefinition } from "../core/fields/definition";
import { interpretAnswer } from "../core/matching/interpret-answer";
import { buildPrompt } from "../core/matching/llm-prompt";
import { type LlmCallReport, noCall } from "../core/matching/llm-report";
import { NO_RESOLUTION, type Resolution } from "../core/matching/resolution";
import type { UnmatchedField } from "../core/matching/unmatched-field";

export interface MatchResult {
  resolution: Resolution;
  report: LlmCallReport;
}

/**
 * Stage 2 of matching: ONE call for all unmatched keys of a request, in three steps: the prompt
 * (pure), the call (the only I/O), the answer's validation (pure). Every failure is "nothing
 * matched", reported, never thrown: the API Worker then creates new fields and loses nothing.
 */
export async function matchFields(
  fields: readonly UnmatchedField[],
  definitions: readonly FieldDefinition[],
  deps: { llm: LlmClient | undefined; clock: () => number },
): Promise<MatchResult> {
  if (!deps.llm) {
    return { resolution: NO_RESOLUTION, report: noCall("not_configured") };
  }
  if (fields.length === 0 || definitions.length === 0) {
    return { resolution: NO_RESOLUTION, report: noCall("skipped") };
  }
  const prompt = buildPrompt(fields, definitions);
  const started = deps.clock();
  let answer: LlmAnswer;
  try {
    answer = await deps.llm.complete({
      system: prompt.system,
      user: prompt.user,
      schemaName: "field_mapping",
      jsonSchema: prompt.jsonSchema,
    });
  } catch {
    return {
      resolution: NO_RESOLUTION,
      report: {
        calls: 1,
        durationMs: deps.clock() - started,
        outcome: "failed",
        promptTokens: 0,
        completionTokens: 0,
      },
    };
  }
  const durationMs = deps.clock() - started;
  const { outcome, resolution } = interpretAnswer(
    answer.content,
    prompt.asked,
    prompt.offered,
    phoneMetadata,
  );
  // An answer that fails validation was still paid for: its tokens are reported all the same.
  return {
    resolution,
    report: {
      calls: 1,
      durationMs,
      outcome,
      promptTokens: answer.usage?.promptTokens ?? 0,
      completionTokens: answer.usage?.completionTokens ?? 0,
    },
  };
}
