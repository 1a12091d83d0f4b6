import phoneMetadata from "libphonenumber-js/metadata.min.json";
import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../fields/definition";
import { JsonNumber, type MetadataValue } from "../metadata/metadata-value";
import { filtersFormatPhones, parseFilters, planFilters } from "./filters";

const DEFINITIONS: FieldDefinition[] = [
  {
    id: "1",
    key: "plan",
    label: "Plan",
    type: "select",
    options: ["Free", "Team", "Pro"],
    aliases: ["tier"],
  },
  { id: "2", key: "seats", label: "Seats", type: "number", aliases: [] },
  { id: "3", key: "renewal", label: "Renewal date", type: "date", aliases: [] },
  { id: "4", key: "last_seen", label: "Last seen", type: "datetime", aliases: [] },
  { id: "5", key: "company_name", label: "Company", type: "text", aliases: [] },
  { id: "6", key: "newsletter", label: "Newsletter", type: "boolean", aliases: [] },
];

const plan = (filters: MetadataValue) => planFilters(parseFilters(filters), DEFINITIONS);
const one = (key: string, op: string, value?: MetadataValue) =>
  plan([value === undefined ? { key, op } : { key, op, value }])[0];

describe("search filters", () => {
  it("match keys as updates do: case, separators, labels, aliases, lexicon synonyms", () => {
    expect(
      plan(
        ["Plan", "PLAN", "tier", "Company Name", "Company", "Empresa"].map((key) => ({ key, op: "exists" })),
      ).map((f) => f.key),
    ).toEqual(["plan", "plan", "plan", "company_name", "company_name", "company_name"]);
    // No definition: the snake_case key, compared as text.
    expect(one("Favourite Colour", "eq", "red")).toMatchObject({ key: "favourite_colour", compare: "text" });
  });

  it("compare numbers as numbers and dates as dates, whatever the spelling of the value", () => {
    expect(one("seats", "gt", "9")).toMatchObject({ compare: "number", value: "9" });
    expect(one("seats", "gte", new JsonNumber("1e3"))).toMatchObject({ compare: "number", value: "1000" });
    expect(one("seats", "eq", "10.50")).toMatchObject({ compare: "number", value: "10.5" });
    expect(one("renewal", "lt", "25/12/2024")).toMatchObject({ compare: "instant", value: "2024-12-25" });
    expect(one("last_seen", "gte", "2024-05-01T10:00:00+02:00")).toMatchObject({
      compare: "instant",
      value: "2024-05-01T08:00:00.000Z",
    });
    // A date alone on a datetime field: its midnight.
    expect(one("last_seen", "gt", "2024-05-01")).toMatchObject({ compare: "instant", value: "2024-05-01" });
  });

  it("format eq values by the field's type, and keep what does not fit the type as sent", () => {
    expect(one("plan", "eq", "pro")).toMatchObject({ compare: "text", value: "Pro" });
    expect(one("newsletter", "neq", "yes")).toMatchObject({ compare: "text", value: "true" });
    expect(one("seats", "eq", "about 5")).toMatchObject({ compare: "text", value: "about 5" });
    expect(one("renewal", "eq", "03/05/2024")).toMatchObject({ compare: "text", value: "03/05/2024" });
    expect(one("company_name", "contains", "ACME")).toMatchObject({ compare: "text", value: "ACME" });
    expect(one("plan", "exists")).toMatchObject({ op: "exists", value: null });
  });

  it.each([
    [[{ key: "plan", op: "like", value: "x" }], 'filters[0].op: unknown op "like"'],
    [[{ key: "plan", value: "x" }], "filters[0].op: unknown op missing"],
    [[{ op: "eq", value: "x" }], "filters[0].key"],
    [[{ key: "!!!", op: "eq", value: "x" }], "filters[0].key"],
    [[{ key: "plan", op: "eq" }], "filters[0].value: eq needs"],
    [[{ key: "plan", op: "eq", value: { a: 1 } }], "filters[0].value: eq needs"],
    [[{ key: "plan", op: "exists", value: "x" }], "filters[0].value: exists takes no value"],
    [[{ key: "plan", op: "contains", value: "" }], "non-empty"],
    [[{ key: "plan", op: "eq", value: "x", extra: 1 }], 'filters[0]: unknown member(s) "extra"'],
    [["plan"], "filters[0]: expected an object"],
    [{ key: "plan" }, "filters: expected an array"],
    [Array.from({ length: 21 }, () => ({ key: "plan", op: "exists" })), "at most 20"],
  ])("refuse a malformed filter, naming it: %j", (filters, message) => {
    expect(() => plan(filters as MetadataValue)).toThrow(message);
  });

  it("refuse gt and friends on fields that are not numbers or dates, and values that are not", () => {
    expect(() => one("company_name", "gt", "b")).toThrow(
      /filters\[0\]\.op: gt compares numbers and dates, and "company_name" is a text field/,
    );
    expect(() => one("no_such_field", "lt", "5")).toThrow(/is a text field/);
    expect(() => one("seats", "gt", "many")).toThrow(
      /filters\[0\]\.value: gt on the number field "seats" needs a number/,
    );
    expect(() => one("renewal", "lte", "soon")).toThrow(/needs a date/);
  });
});

describe("search filters on a phone field", () => {
  const withPhone: FieldDefinition[] = [
    ...DEFINITIONS,
    { id: "7", key: "mobile", label: "Mobile", type: "phone", aliases: ["movil"] },
  ];
  const parsed = (filters: MetadataValue) => parseFilters(filters);

  it("need the phone metadata only for eq and neq on the phone field", () => {
    expect(
      filtersFormatPhones(parsed([{ key: "movil", op: "eq", value: "+34 600 00 00 00" }]), withPhone),
    ).toBe(true);
    expect(
      filtersFormatPhones(parsed([{ key: "mobile", op: "neq", value: "+34 600 00 00 00" }]), withPhone),
    ).toBe(true);
    expect(filtersFormatPhones(parsed([{ key: "mobile", op: "contains", value: "600" }]), withPhone)).toBe(
      false,
    );
    expect(filtersFormatPhones(parsed([{ key: "mobile", op: "exists" }]), withPhone)).toBe(false);
    expect(filtersFormatPhones(parsed([{ key: "plan", op: "eq", value: "pro" }]), withPhone)).toBe(false);
  });

  it("compare an eq value as the phone field stores it (E.164)", () => {
    const filters = parsed([{ key: "movil", op: "eq", value: "0034 600 00 00 00" }]);
    expect(planFilters(filters, withPhone, phoneMetadata)).toEqual([
      { index: 0, key: "mobile", op: "eq", compare: "text", value: "+34600000000" },
    ]);
  });
});
