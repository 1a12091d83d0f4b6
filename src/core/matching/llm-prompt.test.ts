import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../fields/definition";
import { selectDefinitions } from "./llm-prompt";

const def = (key: string, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  id: key,
  key,
  label: key,
  type: "text",
  aliases: [],
  ...extra,
});

describe("selectDefinitions", () => {
  it("offers everything when it fits", () => {
    const all = [def("a"), def("b")];
    expect(selectDefinitions(all, [{ key: "x", sourceKey: "x", value: "1" }], 5)).toEqual(all);
  });

  it("offers definitions sharing a word with the asked keys first, then curated ones, then the rest in order", () => {
    const all = [
      def("auto_1"),
      def("auto_2"),
      def("employee_count", { type: "number" }),
      def("company_name", { label: "Company name" }),
      def("auto_3"),
    ];
    const picked = selectDefinitions(
      all,
      [{ key: "empresa_company", sourceKey: "empresa company", value: "A" }],
      3,
    );
    expect(picked.map((d) => d.key)).toEqual(["company_name", "employee_count", "auto_1"]);
  });
});
