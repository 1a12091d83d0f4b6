import { describe, expect, it } from "vitest";
import { formatNumber } from "./format-number";

describe("formatNumber", () => {
  it.each([
    ["95", "95"],
    ["-3.5", "-3.5"],
    ["+7", "7"],
    ["  42  ", "42"],
    ["007", "7"],
    ["1.50", "1.5"],
    ["2.0", "2"],
    [".5", "0.5"],
    ["5.", "5"],
    ["-0", "0"],
    ["\u22124", "-4"],
    ["0.123", "0.123"],
    ["1234.567", "1234.567"],
    ["1,234,567", "1234567"],
    ["1,234.5", "1234.5"],
    ["1.234.567,89", "1234567.89"],
    ["1.234,5", "1234.5"],
    ["1 234", "1234"],
    ["1\u00a0234\u00a0567,25", "1234567.25"],
    ["1'234'567.50", "1234567.5"],
    ["1,5", "1.5"],
    ["1234,56", "1234.56"],
    ["0,125", "0.125"],
    ["12345678901234567890", "12345678901234567890"],
    ["-12345678901234567890.000000000000000000001", "-12345678901234567890.000000000000000000001"],
    ["1e3", "1000"],
    ["1.5E-3", "0.0015"],
    ["6.02214076e23", "602214076000000000000000"],
    ["123e-2", "1.23"],
  ])("formats %j as %j", (input, expected) => {
    expect(formatNumber(input)).toEqual({ value: expected });
  });

  it.each(["1,234", "1.234", "-12.345", "999,000", "+1.000"])(
    "flags %j as ambiguous, kept as sent",
    (input) => {
      const result = formatNumber(input);
      expect(result.value).toBe(input);
      expect(result.warning).toMatch(/^Ambiguous number: .* thousands separator or a decimal point/);
    },
  );

  it.each([
    "about 500",
    "12abc",
    "$5",
    "5%",
    "",
    "   ",
    ".",
    "-",
    "e3",
    "1,23,456",
    "1..2",
    "1,234,56",
    "12 34",
    "1.234.567.89",
    "0x1F",
    "Infinity",
    "NaN",
  ])("flags %j as not a number, kept as sent", (input) => {
    const result = formatNumber(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(/^Not a number: .* The value was stored as sent\.$/);
  });

  it("refuses to write out huge exponents", () => {
    expect(formatNumber("1e1000000")).toEqual({
      value: "1e1000000",
      warning: expect.stringMatching(/range/),
    });
  });

  it("reads a JSON number's dot as the decimal point", () => {
    expect(formatNumber("1.234", { fromJsonNumber: true })).toEqual({ value: "1.234" });
    expect(formatNumber("-1.5e2", { fromJsonNumber: true })).toEqual({ value: "-150" });
    expect(formatNumber("1,234", { fromJsonNumber: true }).warning).toBeDefined();
  });
});
