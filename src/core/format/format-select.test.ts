import { describe, expect, it } from "vitest";
import { formatSelect } from "./format-select";

const PLANS = ["Free", "Pro", "Enterprise", "Año completo"];

describe("formatSelect", () => {
  it.each([
    ["Pro", "Pro"],
    ["PRO", "Pro"],
    ["pro ", "Pro"],
    ["  enterprise", "Enterprise"],
    ["ano completo", "Año completo"],
    ["AÑO   COMPLETO", "Año completo"],
  ])("maps %j to %j", (input, expected) => {
    expect(formatSelect(input, PLANS)).toEqual({ value: expected });
  });

  it("flags a value that is not an option, listing the options", () => {
    expect(formatSelect("Premium", PLANS)).toEqual({
      value: "Premium",
      warning:
        'Invalid select value: not one of the options ("Free", "Pro", "Enterprise", "Año completo"). ' +
        "The value was stored as sent.",
    });
  });

  it("lists at most ten options", () => {
    const options = Array.from({ length: 25 }, (_, i) => `Option ${i + 1}`);
    const warning = formatSelect("nope", options).warning ?? "";
    expect(warning).toContain('"Option 10" and 15 more');
    expect(warning).not.toContain("Option 11");
  });

  it("flags a field without options", () => {
    expect(formatSelect("Pro").warning).toMatch(/no options/);
    expect(formatSelect("Pro", []).warning).toMatch(/no options/);
  });

  it("only decides between options that differ by case on an exact match", () => {
    const options = ["Pro", "PRO"];
    expect(formatSelect(" PRO ", options)).toEqual({ value: "PRO" });
    expect(formatSelect("pro", options)).toEqual({
      value: "pro",
      warning: expect.stringMatching(/^Ambiguous select value: .*"Pro", "PRO"/),
    });
  });

  it.each(["", "Pr", "Pro plan"])("flags %j, kept as sent", (input) => {
    expect(formatSelect(input, PLANS).value).toBe(input);
    expect(formatSelect(input, PLANS).warning).toBeDefined();
  });
});
