import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../fields/definition";
import type { NormalizedField } from "../metadata/normalize-entries";
import type { LlmCallReport, LlmClient } from "./llm-port";
import { type LlmStageDeps, resolveWithLlm } from "./resolve-with-llm";

const def = (key: string, type: FieldDefinition["type"] = "text"): FieldDefinition => ({
  id: `id-${key}`,
  key,
  label: key,
  type,
  aliases: [],
  created_at: "t",
  updated_at: "t",
});
const field = (key: string, value: string | null): NormalizedField => ({
  key,
  sourceKey: key,
  value,
  raw: value,
  overrides: [],
});

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
  const reports: LlmCallReport[] = [];
  const deps: LlmStageDeps = {
    llm,
    formatValue: (d, v) =>
      d.type === "number" && !/^\d+$/.test(v) ? { value: v, warning: "not a number" } : { value: v },
    clock: () => 0,
    report: (r) => reports.push(r),
  };
  return { deps, reports };
}

describe("resolveWithLlm", () => {
  it("makes no call without an LLM or without definitions", async () => {
    const { deps, reports } = stage(undefined);
    const none = await resolveWithLlm([field("a", "1")], [def("b")], deps);
    expect(none.mapped.size).toBe(0);
    const llm = countingLlm();
    const withLlm = stage(llm);
    await resolveWithLlm([field("a", "1")], [], withLlm.deps);
    expect(llm.calls).toBe(0);
    expect([...reports, ...withLlm.reports].map((r) => r.calls)).toEqual([0, 0]);
  });

  it("uses a grounded rewrite only when the value as sent does not format", async () => {
    const { deps, reports } = stage({
      complete: async () =>
        JSON.stringify({
          mappings: [
            { key: "staff", field: "employees", value: "500" },
            { key: "headcount", field: "employees", value: "999" },
          ],
          extracted: [],
        }),
    });
    const result = await resolveWithLlm(
      [field("staff", "about 500"), field("headcount", "about 20")],
      [def("employees", "number")],
      deps,
    );
    expect([...result.mapped].map(([k, m]) => [k, m.value])).toEqual([["staff", "500"]]);
    expect(result.learnedAliases).toEqual([{ definitionKey: "employees", alias: "staff" }]);
    expect(reports).toEqual([{ calls: 1, durationMs: 0, outcome: "ok" }]);
  });

  it("rejects the whole answer when it names a key it was not asked about", async () => {
    const { deps, reports } = stage({
      complete: async () =>
        JSON.stringify({ mappings: [{ key: "other", field: "b", value: null }], extracted: [] }),
    });
    const result = await resolveWithLlm([field("a", "x")], [def("b")], deps);
    expect(result.mapped.size).toBe(0);
    expect(reports[0]?.outcome).toBe("invalid_answer");
  });

  it("accepts JSON wrapped in a markdown fence", async () => {
    const { deps } = stage({
      complete: async () =>
        '```json\n{"mappings": [{"key": "a", "field": "b", "value": null}], "extracted": []}\n```',
    });
    expect((await resolveWithLlm([field("a", "x")], [def("b")], deps)).mapped.get("a")?.definition.key).toBe(
      "b",
    );
  });
});
