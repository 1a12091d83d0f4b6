import phoneMetadata from "libphonenumber-js/metadata.min.json";
import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../fields/definition";
import { definitionIdFor } from "../fields/definition-id";
import { NO_RESOLUTION, type Resolution } from "../matching/resolution";
import type { MetadataEntry } from "./metadata-value";
import { type FieldWrite, matchItems, mayFormatPhoneNumbers, planUpdate, prepareItems } from "./plan-update";

const def = (key: string, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  id: `id-${key}`,
  key,
  label: key,
  type: "text",
  aliases: [],
  ...extra,
});

const TENANT = "6f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";
const CONTACT = "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";
const newId = (key: string) => definitionIdFor(TENANT, key);
const entries = (o: Record<string, string | null>) =>
  Object.entries(o).map(([sourceKey, value]) => ({ sourceKey, value }));

/** The three pure steps for one contact, with an optional LLM resolution standing in for stage 2. */
function planMetadataUpdate(
  sent: readonly MetadataEntry[],
  definitions: readonly FieldDefinition[],
  resolve?: (asked: string[]) => Resolution,
) {
  const matched = matchItems(prepareItems([{ contactId: CONTACT, entries: sent }]), definitions);
  const resolution =
    resolve && matched.asked.length > 0 ? resolve(matched.asked.map((a) => a.key)) : NO_RESOLUTION;
  const plan = planUpdate(matched, resolution, { tenantId: TENANT });
  const [item] = plan.items;
  const writes: FieldWrite[] = item && "writes" in item ? item.writes : [];
  return { writes, newDefinitions: plan.newDefinitions, learnedAliases: plan.learnedAliases };
}

describe("planMetadataUpdate", () => {
  const definitions = [
    def("company_name", { label: "Nombre de la empresa", aliases: ["empresa"] }),
    def("phone", { label: "Teléfono" }),
  ];

  it("matches by key, label and alias, case- and accent-insensitively", () => {
    const plan = planMetadataUpdate(entries({ CompanyName: "A", TELEFONO: "1", Empresa: "B" }), definitions);
    expect(plan.writes.map((w) => [w.sourceKey, w.key, w.matchedBy, w.definitionId])).toEqual([
      ["TELEFONO", "phone", "exact", "id-phone"],
      ["Empresa", "company_name", "alias", "id-company_name"],
    ]);
    expect(plan.newDefinitions).toEqual([]);
  });

  it("says which keys lost when two land in one field", () => {
    const plan = planMetadataUpdate(entries({ companyName: "A", empresa: "B" }), definitions);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]).toMatchObject({ value: "B", sourceKey: "empresa" });
    expect(plan.writes[0]?.warning).toContain('"companyName"');
  });

  it("creates a text definition for a key nothing matched, named by its snake_case key", () => {
    const plan = planMetadataUpdate(entries({ "Favourite Color": "red" }), definitions);
    expect(plan.writes).toEqual([
      {
        key: "favourite_color",
        definitionId: newId("favourite_color"),
        value: "red",
        sourceKey: "Favourite Color",
        matchedBy: "new",
      },
    ]);
    expect(plan.newDefinitions).toEqual([{ id: newId("favourite_color"), key: "favourite_color" }]);
  });

  it("asks the resolver only about unmatched keys, once, and uses its answer", () => {
    const asked: string[][] = [];
    const plan = planMetadataUpdate(
      entries({ company_name: "A", registered_as: "B", zzz: "C" }),
      definitions,
      (keys) => {
        asked.push(keys);
        return {
          mapped: new Map([
            ["registered_as", { definition: definitions[0] as FieldDefinition, value: null }],
          ]),
          extracted: [],
          learnedAliases: [{ definitionKey: "company_name", alias: "registered_as" }],
        };
      },
    );
    expect(asked).toEqual([["registered_as", "zzz"]]);
    expect(plan.writes.map((w) => [w.key, w.matchedBy, w.value])).toEqual([
      ["company_name", "llm", "B"],
      ["zzz", "new", "C"],
    ]);
    expect(plan.learnedAliases).toEqual([{ definitionId: "id-company_name", name: "registered_as" }]);
  });

  it("adds facts extracted from free text only to fields the request did not set", () => {
    const [company, phone] = definitions as [FieldDefinition, FieldDefinition];
    const plan = planMetadataUpdate(
      entries({ notes: "Acme, call +34600000000", phone: "1" }),
      definitions,
      () => ({
        mapped: new Map(),
        extracted: [
          { definition: company, value: "Acme", sourceKey: "notes" },
          { definition: phone, value: "+34600000000", sourceKey: "notes" },
        ],
        learnedAliases: [],
      }),
    );
    expect(plan.writes.map((w) => [w.key, w.value, w.matchedBy, w.sourceKey])).toEqual([
      ["notes", "Acme, call +34600000000", "new", "notes"],
      ["phone", "1", "exact", "phone"],
      ["company_name", "Acme", "llm", "notes"],
    ]);
    expect(plan.learnedAliases).toEqual([]);
  });

  it("formats values by the definition's type and keeps the formatter's warning", () => {
    const typed = [def("lead_score", { type: "number" }), def("signup", { type: "date" })];
    const plan = planMetadataUpdate(entries({ lead_score: "1,234,567", signup: "soon", other: "x" }), typed);
    expect(plan.writes.map((w) => [w.key, w.value, w.warning === undefined])).toEqual([
      ["lead_score", "1234567", true],
      ["signup", "soon", false],
      ["other", "x", true],
    ]);
  });

  it("does not call the resolver when everything matched exactly", () => {
    let calls = 0;
    planMetadataUpdate(entries({ phone: "1" }), definitions, () => {
      calls++;
      return NO_RESOLUTION;
    });
    expect(calls).toBe(0);
  });

  it("clears an unknown key without inventing a definition for it", () => {
    const plan = planMetadataUpdate(entries({ gone: null }), definitions);
    expect(plan.writes).toEqual([
      { key: "gone", definitionId: newId("gone"), value: null, sourceKey: "gone", matchedBy: "new" },
    ]);
    expect(plan.newDefinitions).toEqual([]);
  });
});

describe("look-alike keys", () => {
  it("warns when a new key looks like an existing field (a Cyrillic letter), and still creates it", () => {
    const plan = planMetadataUpdate(entries({ "\u0441ompany_name": "Acme" }), [def("company_name")]);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]).toMatchObject({ matchedBy: "new", value: "Acme" });
    expect(plan.writes[0]?.warning).toContain('looks like the existing field "company_name"');
    expect(
      planMetadataUpdate(entries({ company_name: "Acme" }), [def("company_name")]).writes[0]?.warning,
    ).toBe(undefined);
  });
});

describe("phone numbers", () => {
  const typed = [def("phone", { type: "phone" }), def("company")];
  const matchedFor = (sent: Record<string, string | null>) =>
    matchItems(prepareItems([{ contactId: CONTACT, entries: entries(sent) }]), typed);

  it("says before the LLM is asked whether planning may format a phone number, and only then", () => {
    expect(mayFormatPhoneNumbers(matchedFor({ company: "Acme" }), typed)).toBe(false);
    expect(mayFormatPhoneNumbers(matchedFor({ Phone: "+34 600 00 00 00" }), typed)).toBe(true);
    // A clear formats nothing.
    expect(mayFormatPhoneNumbers(matchedFor({ phone: null, company: "Acme" }), typed)).toBe(false);
    // A key no stage knows is left for the LLM, which may map it onto the phone field...
    expect(mayFormatPhoneNumbers(matchedFor({ xyzzy_line: "+34 600 00 00 00" }), typed)).toBe(true);
    // ...but not when the tenant has no phone field.
    const untyped = [def("company")];
    const alone = matchItems(
      prepareItems([{ contactId: CONTACT, entries: entries({ xyzzy_line: "1" }) }]),
      untyped,
    );
    expect(mayFormatPhoneNumbers(alone, untyped)).toBe(false);
  });

  it("formats with the metadata it is given, and refuses to plan a phone without it", () => {
    const matched = matchedFor({ phone: "+34 600 00 00 00" });
    const plan = planUpdate(matched, NO_RESOLUTION, { tenantId: TENANT, phoneMetadata });
    const [item] = plan.items;
    expect(item && "writes" in item ? item.writes.map((w) => w.value) : []).toEqual(["+34600000000"]);
    expect(() => planUpdate(matched, NO_RESOLUTION, { tenantId: TENANT })).toThrow(/metadata/);
  });
});
