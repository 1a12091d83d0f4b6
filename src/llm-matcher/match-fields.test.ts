import { describe, expect, it } from "vitest";
import type { LlmClient } from "../adapters/llm/llm-client";
import type { FieldDefinition } from "../core/fields/definition";
import type { UnmatchedField } from "../core/matching/unmatched-field";
import { matchFields } from "./match-fields";

const def = (key: string, type: FieldDefinition["type"] = "text"): FieldDefinition => ({
  id: `id-${key}`,
  key,
  label: key,
  type,
  aliases: [],
});
const field = (key: string, value: string | null): UnmatchedField => ({ key, sourceKey: key, value });

function countingLlm(): LlmClient & { calls: number } {
  const llm = {
    calls: 0,
    async complete() {
      llm.calls++;
      return "{}";
    },
  };
  return llm;
}

function stage(llm: LlmClient | undefined) {
  return { deps: { llm, clock: () => 0 } };
}

describe("matchFields", () => {
  it("makes no call without an LLM or without definitions", async () => {
    const { deps } = stage(undefined);
    const none = await matchFields([field("a", "1")], [def("b")], deps);
    expect(none.resolution.mapped.size).toBe(0);
    const llm = countingLlm();
    const withLlm = stage(llm);
    const empty = await matchFields([field("a", "1")], [], withLlm.deps);
    expect(llm.calls).toBe(0);
    expect([none.report, empty.report].map((r) => r.calls)).toEqual([0, 0]);
  });

  it("uses a grounded rewrite only when the value as sent does not format", async () => {
    const { deps } = stage({
      complete: async () =>
        JSON.stringify({
          mappings: [
            { key: "staff", field: "employees", value: "500" },
            { key: "headcount", field: "employees", value: "999" },
          ],
          extracted: [],
        }),
    });
    const { resolution: result, report } = await matchFields(
      [field("staff", "about 500"), field("headcount", "about 20")],
      [def("employees", "number")],
      deps,
    );
    expect([...result.mapped].map(([k, m]) => [k, m.value])).toEqual([["staff", "500"]]);
    expect(result.learnedAliases).toEqual([{ definitionKey: "employees", alias: "staff" }]);
    expect(report).toEqual({ calls: 1, durationMs: 0, outcome: "ok" });
  });

  it("rejects the whole answer when it names a key it was not asked about", async () => {
    const { deps } = stage({
      complete: async () =>
        JSON.stringify({ mappings: [{ key: "other", field: "b", value: null }], extracted: [] }),
    });
    const { resolution: result, report } = await matchFields([field("a", "x")], [def("b")], deps);
    expect(result.mapped.size).toBe(0);
    expect(report.outcome).toBe("invalid_answer");
  });

  it("accepts JSON wrapped in a markdown fence", async () => {
    const { deps } = stage({
      complete: async () =>
        '```json\n{"mappings": [{"key": "a", "field": "b", "value": null}], "extracted": []}\n```',
    });
    const { resolution } = await matchFields([field("a", "x")], [def("b")], deps);
    expect(resolution.mapped.get("a")?.definition.key).toBe("b");
  });
});
