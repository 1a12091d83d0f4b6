import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../fields/definition";
import { planMetadataUpdate } from "./plan-update";

const def = (key: string, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  id: `id-${key}`,
  key,
  label: key,
  type: "text",
  aliases: [],
  created_at: "t0",
  updated_at: "t0",
  ...extra,
});

const deps = { definitionIdFor: async (key: string) => `new-${key}`, now: "2026-01-01T00:00:00.000Z" };
const entries = (o: Record<string, string | null>) =>
  Object.entries(o).map(([sourceKey, value]) => ({ sourceKey, value }));

describe("planMetadataUpdate", () => {
  const definitions = [
    def("company_name", { label: "Nombre de la empresa", aliases: ["empresa"] }),
    def("phone", { label: "Teléfono" }),
  ];

  it("matches by key, label and alias, case- and accent-insensitively", async () => {
    const plan = await planMetadataUpdate(
      entries({ CompanyName: "A", TELEFONO: "1", Empresa: "B" }),
      definitions,
      deps,
    );
    expect(plan.writes.map((w) => [w.sourceKey, w.key, w.matchedBy, w.definitionId])).toEqual([
      ["TELEFONO", "phone", "exact", "id-phone"],
      ["Empresa", "company_name", "alias", "id-company_name"],
    ]);
    expect(plan.newDefinitions).toEqual([]);
  });

  it("says which keys lost when two land in one field", async () => {
    const plan = await planMetadataUpdate(entries({ companyName: "A", empresa: "B" }), definitions, deps);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]).toMatchObject({ value: "B", sourceKey: "empresa" });
    expect(plan.writes[0]?.warning).toContain('"companyName"');
  });

  it("creates a text definition for a key nothing matched, named by its snake_case key", async () => {
    const plan = await planMetadataUpdate(entries({ "Favourite Color": "red" }), definitions, deps);
    expect(plan.writes).toEqual([
      {
        key: "favourite_color",
        definitionId: "new-favourite_color",
        value: "red",
        sourceKey: "Favourite Color",
        matchedBy: "new",
      },
    ]);
    expect(plan.newDefinitions).toEqual([
      {
        id: "new-favourite_color",
        key: "favourite_color",
        label: "favourite_color",
        type: "text",
        aliases: [],
        created_at: deps.now,
        updated_at: deps.now,
      },
    ]);
  });

  it("asks the resolver only about unmatched keys, once, and uses its answer", async () => {
    const asked: string[][] = [];
    const plan = await planMetadataUpdate(
      entries({ company_name: "A", razon_social: "B", zzz: "C" }),
      definitions,
      {
        ...deps,
        resolveUnmatched: async (fields) => {
          asked.push(fields.map((f) => f.key));
          return {
            mapped: new Map([
              ["razon_social", { definition: definitions[0] as FieldDefinition, value: null }],
            ]),
            extracted: [],
            learnedAliases: [{ definitionKey: "company_name", alias: "razon_social" }],
          };
        },
      },
    );
    expect(asked).toEqual([["razon_social", "zzz"]]);
    expect(plan.writes.map((w) => [w.key, w.matchedBy, w.value])).toEqual([
      ["company_name", "llm", "B"],
      ["zzz", "new", "C"],
    ]);
    expect(plan.learnedAliases).toEqual([{ definitionKey: "company_name", alias: "razon_social" }]);
  });

  it("adds facts extracted from free text only to fields the request did not set", async () => {
    const [company, phone] = definitions as [FieldDefinition, FieldDefinition];
    const plan = await planMetadataUpdate(
      entries({ notes: "Acme, call +34600000000", phone: "1" }),
      definitions,
      {
        ...deps,
        resolveUnmatched: async () => ({
          mapped: new Map(),
          extracted: [
            { definition: company, value: "Acme", sourceKey: "notes" },
            { definition: phone, value: "+34600000000", sourceKey: "notes" },
          ],
          learnedAliases: [],
        }),
      },
    );
    expect(plan.writes.map((w) => [w.key, w.value, w.matchedBy, w.sourceKey])).toEqual([
      ["notes", "Acme, call +34600000000", "new", "notes"],
      ["phone", "1", "exact", "phone"],
      ["company_name", "Acme", "llm", "notes"],
    ]);
    expect(plan.learnedAliases).toEqual([]);
  });

  it("formats values by the definition's type and keeps the formatter's warning", async () => {
    const plan = await planMetadataUpdate(entries({ phone: "600 000 000", other: "x" }), definitions, {
      ...deps,
      formatValue: (definition, value) =>
        definition.key === "phone"
          ? { value, warning: "phone: country unknown" }
          : { value: value.toUpperCase() },
    });
    expect(plan.writes.map((w) => [w.key, w.value, w.warning])).toEqual([
      ["phone", "600 000 000", "phone: country unknown"],
      ["other", "X", undefined],
    ]);
  });

  it("does not call the resolver when everything matched exactly", async () => {
    let calls = 0;
    await planMetadataUpdate(entries({ phone: "1" }), definitions, {
      ...deps,
      resolveUnmatched: async () => {
        calls++;
        return { mapped: new Map(), extracted: [], learnedAliases: [] };
      },
    });
    expect(calls).toBe(0);
  });

  it("clears an unknown key without inventing a definition for it", async () => {
    const plan = await planMetadataUpdate(entries({ gone: null }), definitions, deps);
    expect(plan.writes).toEqual([
      { key: "gone", definitionId: "new-gone", value: null, sourceKey: "gone", matchedBy: "new" },
    ]);
    expect(plan.newDefinitions).toEqual([]);
  });
});
