import { describe, expect, it } from "vitest";
import { formatEmail } from "./format-email";

describe("formatEmail", () => {
  it.each([
    ["ana@example.com", "ana@example.com"],
    ["  Ana.Lopez@Example.COM ", "Ana.Lopez@example.com"],
    ["mailto:ana@example.com", "ana@example.com"],
    ["MAILTO:ana+crm@sub.example.es", "ana+crm@sub.example.es"],
    ["o'brien@example.ie", "o'brien@example.ie"],
  ])("formats %j as %j", (input, expected) => {
    expect(formatEmail(input)).toEqual({ value: expected });
  });

  it.each([
    "ana",
    "ana@",
    "@example.com",
    "ana@example",
    "ana@@example.com",
    "ana @example.com",
    "ana@example.com, bob@example.com",
    "Ana <ana@example.com>",
    "ana.@example.com",
    "mailto:ana@example.com?subject=hi",
    "",
    `${"a".repeat(65)}@example.com`,
  ])("flags %j, kept as sent", (input) => {
    const result = formatEmail(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(/^Invalid email: .* The value was stored as sent\.$/);
  });
});
