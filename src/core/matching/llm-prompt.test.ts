import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../fields/definition";
import { buildUserMessage, LLM_LIMITS, promptSize, SYSTEM_PROMPT, selectDefinitions } from "./llm-prompt";

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

  const ask = (...keys: string[]) => keys.map((key) => ({ key, sourceKey: key, value: "x" }));
  const filler = (n: number) => Array.from({ length: n }, (_, i) => def(`field_${i}`));

  it("offers at most 30 definitions, whatever the tenant's size", () => {
    expect(LLM_LIMITS.definitions).toBe(30);
    expect(selectDefinitions(filler(2_000), ask("a"))).toHaveLength(30);
  });

  it("finds the related definitions among thousands: by lexicon concept, compact form and shared words", () => {
    const all = [
      ...filler(1_000),
      def("email", { type: "email" }),
      ...filler(1_000).map((d) => ({ ...d, key: `${d.key}_b` })),
      def("phone", { type: "phone" }),
      def("customer_tier"),
      def("companyname"),
    ];
    const offered = selectDefinitions(
      all,
      ask("correo_electronico", "mobile", "company_name", "tier_level"),
    ).map((d) => d.key);
    expect(offered).toHaveLength(30);
    expect(offered.slice(0, 4).sort()).toEqual(["companyname", "customer_tier", "email", "phone"]);
  });

  it("ranks likeness first, then curation, then order", () => {
    const all = [
      def("auto_1"),
      def("typed", { type: "number" }),
      def("described", { description: "set by sales" }),
      def("labelled", { label: "Labelled by a person" }),
      def("auto_2"),
      def("lead_source"),
    ];
    expect(selectDefinitions(all, ask("source"), 5).map((d) => d.key)).toEqual([
      "lead_source",
      "typed",
      "described",
      "labelled",
      "auto_1",
    ]);
  });

  it("keeps the prompt of a 2,000-definition tenant within twice that of a 30-definition one", () => {
    // Realistic definitions: some typed, described, with options; the asked keys resemble none.
    const tenant = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        def(`custom_property_${i}`, {
          label: `Custom property ${i}`,
          type: i % 3 === 0 ? "select" : i % 3 === 1 ? "number" : "text",
          ...(i % 2 === 0
            ? { description: `Filled in by the onboarding team, see playbook section ${i}` }
            : {}),
          ...(i % 3 === 0 ? { options: ["Bronze", "Silver", "Gold", "Platinum"] } : {}),
        }),
      );
    const inputs = ask("favourite_colour", "shoe_size", "pet_name");
    const sizeFor = (n: number) => {
      const definitions = tenant(n);
      return promptSize(buildUserMessage(inputs, selectDefinitions(definitions, inputs)), SYSTEM_PROMPT);
    };
    const small = sizeFor(30);
    const large = sizeFor(2_000);
    expect(large.chars).toBeLessThanOrEqual(2 * small.chars);
    expect(large.estimatedTokens).toBe(Math.ceil(large.chars / 4));
  });
});
