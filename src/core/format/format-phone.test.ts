import metadata from "libphonenumber-js/metadata.min.json";
import { describe, expect, it } from "vitest";
import { formatPhone } from "./format-phone";

describe("formatPhone", () => {
  it.each([
    ["+34 612 34 56 78", "+34612345678"],
    ["+34 600 00 00 00", "+34600000000"],
    ["+34-612-345-678", "+34612345678"],
    ["0034 612 34 56 78", "+34612345678"],
    ["00 34 612 34 56 78", "+34612345678"],
    ["+44 20 7946 0958", "+442079460958"],
    ["+1 (201) 555-0123", "+12015550123"],
    ["tel:+34612345678", "+34612345678"],
  ])("formats %j as %j without a default country", (input, expected) => {
    expect(formatPhone(input, { metadata })).toEqual({ value: expected });
  });

  it.each([
    ["612 34 56 78", "ES", "+34612345678"],
    ["612345678", "es", "+34612345678"],
    ["(201) 555-0123", "US", "+12015550123"],
    ["020 7946 0958", "GB", "+442079460958"],
    ["011 34 612 34 56 78", "US", "+34612345678"],
    // "00" is not the US international prefix, but no valid US number reads that way either.
    ["0034 612 34 56 78", "US", "+34612345678"],
    // An explicit international prefix beats the default country.
    ["+44 20 7946 0958", "ES", "+442079460958"],
  ])("formats %j in %s as %j", (input, defaultCountry, expected) => {
    expect(formatPhone(input, { defaultCountry, metadata })).toEqual({ value: expected });
  });

  it.each([
    ["612 34 56 78", undefined],
    ["612345678", "XX"],
    ["(201) 555-0123", ""],
  ])("flags %j with unknown country %j", (input, defaultCountry) => {
    const result = formatPhone(input, { defaultCountry, metadata });
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(/country is unknown/);
  });

  it.each([
    ["+34 123", undefined, /^Invalid phone number/],
    ["+34 6123456789", undefined, /^Invalid phone number/],
    ["123", "ES", /^Invalid phone number/],
    ["0034 12", undefined, /^Invalid phone number/],
    ["call +34 612 34 56 78", undefined, /^Not a phone number/],
    ["+34 612 34 56 78 (mobile)", undefined, /^Not a phone number/],
    ["1-800-FLOWERS", "US", /^Not a phone number/],
    ["", "ES", /^Not a phone number/],
    ["+1 201 555 0123 ext. 12", undefined, /extension/],
    ["+1 201 555 0123 x12", undefined, /extension/],
  ])("flags %j (country %j)", (input, defaultCountry, reason) => {
    const result = formatPhone(input, { defaultCountry, metadata });
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(reason);
  });
});
