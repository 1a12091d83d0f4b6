import phoneMetadata from "libphonenumber-js/metadata.min.json";
import { describe, expect, it } from "vitest";
import { formatValue } from "./format-value";

describe("formatValue", () => {
  it("returns text exactly as sent", () => {
    expect(formatValue({ type: "text" }, "  Hola, ¿qué tal?  ")).toEqual({ value: "  Hola, ¿qué tal?  " });
  });

  it.each([
    [{ type: "number" as const }, "1,234,567", "1234567"],
    [{ type: "boolean" as const }, "Sí", "true"],
    [{ type: "date" as const }, "5 de marzo de 2024", "2024-03-05"],
    [{ type: "datetime" as const }, "2024-03-05T10:00:00+01:00", "2024-03-05T09:00:00.000Z"],
    [{ type: "email" as const }, "Ana@Example.com", "Ana@example.com"],
    [{ type: "phone" as const }, "+34 612 34 56 78", "+34612345678"],
    [{ type: "url" as const }, "example.com", "https://example.com/"],
    [{ type: "select" as const, options: ["Free", "Pro"] }, "PRO", "Pro"],
  ])("dispatches %o", (definition, input, expected) => {
    expect(formatValue(definition, input, { phoneMetadata })).toEqual({ value: expected });
  });

  it("passes the default country to phone numbers", () => {
    expect(formatValue({ type: "phone" }, "612 34 56 78", { phoneMetadata }).warning).toMatch(
      /country is unknown/,
    );
    expect(formatValue({ type: "phone" }, "612 34 56 78", { defaultCountry: "ES", phoneMetadata })).toEqual({
      value: "+34612345678",
    });
  });

  it("refuses to format a phone number without the metadata (a caller that did not load it)", () => {
    expect(() => formatValue({ type: "phone" }, "+34 612 34 56 78")).toThrow(/metadata/);
  });

  it("reads JSON numbers with a decimal point", () => {
    expect(formatValue({ type: "number" }, "1.234").warning).toMatch(/^Ambiguous number/);
    expect(formatValue({ type: "number" }, "1.234", { fromJsonNumber: true })).toEqual({ value: "1.234" });
  });

  it.each([
    ["number", "about 500"],
    ["boolean", "maybe"],
    ["date", "03/05/2024"],
    ["datetime", "soon"],
    ["email", "nobody"],
    ["phone", "600"],
    ["url", "javascript:alert(1)"],
    ["select", "Gold"],
  ] as const)("never drops a %s it cannot format", (type, input) => {
    const result = formatValue({ type, options: ["Free", "Pro"] }, input, { phoneMetadata });
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(/\S/);
  });
});
