import type { FieldDefinition } from "../fields/definition";
import type { Resolution, ValueFormatter } from "../metadata/plan-update";
import type { LlmCallReport, LlmClient } from "./llm-port";
import { resolveWithLlm } from "./resolve-with-llm";

/** An unmatched field as the matcher needs it: plain data, so it can cross an RPC boundary. */
export interface UnmatchedField {
  key: string;
  sourceKey: string;
  value: string | null;
}

export interface MatchResult {
  resolution: Resolution;
  report: LlmCallReport;
}

/**
 * Stage 2 of matching behind a port. The API Worker reaches it over a service binding (the LLM
 * Worker, see src/llm-matcher/worker.ts), so the `openai` SDK is not in the hot path's bundle.
 */
export interface FieldMatcher {
  match(fields: readonly UnmatchedField[], definitions: readonly FieldDefinition[]): Promise<MatchResult>;
}

/** The matcher itself: one validated LLM call (or none when no LLM is configured). */
export function createLlmFieldMatcher(deps: {
  llm?: LlmClient | undefined;
  formatValue: ValueFormatter;
  clock: () => number;
}): FieldMatcher {
  return {
    async match(fields, definitions) {
      let report: LlmCallReport = { calls: 0, durationMs: 0, outcome: "not_configured" };
      const resolution = await resolveWithLlm(
        fields.map((f) => ({ ...f, raw: f.value, overrides: [] })),
        definitions,
        {
          llm: deps.llm,
          formatValue: deps.formatValue,
          clock: deps.clock,
          report: (r) => {
            report = r;
          },
        },
      );
      return { resolution, report };
    },
  };
}
