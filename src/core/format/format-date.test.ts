import { describe, expect, it } from "vitest";
import { formatDate } from "./format-date";

describe("formatDate", () => {
  it.each([
    ["2024-03-05", "2024-03-05"],
    [" 2024-3-5 ", "2024-03-05"],
    ["2024/03/05", "2024-03-05"],
    ["2024.03.05", "2024-03-05"],
    ["2024-03-05T10:00:00Z", "2024-03-05"],
    ["2024-03-05T10:00:00.123+01:00", "2024-03-05"],
    // The calendar date as written, not shifted to UTC (which would be March 6).
    ["2024-03-05T23:30:00-05:00", "2024-03-05"],
    ["2024-03-05 10:00", "2024-03-05"],
    ["25/12/2024", "2024-12-25"],
    ["25-12-2024", "2024-12-25"],
    ["25.12.2024", "2024-12-25"],
    ["12/25/2024", "2024-12-25"],
    ["5/13/2024", "2024-05-13"],
    ["05/05/2024", "2024-05-05"],
    ["29/02/2024", "2024-02-29"],
    ["5 March 2024", "2024-03-05"],
    ["March 5, 2024", "2024-03-05"],
    ["Mar 5 2024", "2024-03-05"],
    ["March 5th, 2024", "2024-03-05"],
    ["1st Sept. 2024", "2024-09-01"],
    ["05-Mar-2024", "2024-03-05"],
    ["2024 March 5", "2024-03-05"],
    ["5 de marzo de 2024", "2024-03-05"],
    ["5 de Marzo del 2024", "2024-03-05"],
    ["1 de diciembre de 2024", "2024-12-01"],
    ["12 ago 2024", "2024-08-12"],
    ["Tuesday, March 5, 2024", "2024-03-05"],
    ["martes, 5 de marzo de 2024", "2024-03-05"],
    ["0999-01-01", "0999-01-01"],
  ])("formats %j as %j", (input, expected) => {
    expect(formatDate(input)).toEqual({ value: expected });
  });

  it.each(["03/05/2024", "3/5/2024", "01.02.2024", "11-12-2024"])(
    "flags %j as ambiguous day/month, kept as sent",
    (input) => {
      const result = formatDate(input);
      expect(result.value).toBe(input);
      expect(result.warning).toMatch(/^Ambiguous date: .* day or the month/);
    },
  );

  it.each(["05/03/24", "24-03-05", "5 March 24", "3/5/24"])("flags the two-digit year of %j", (input) => {
    const result = formatDate(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(/^Ambiguous date: the year has to be written with four digits/);
  });

  it.each([
    ["2024-02-30", /2024-02-30 .* does not exist/],
    ["2023-02-29", /does not exist/],
    ["2024-13-01", /does not exist/],
    ["2024-04-31", /does not exist/],
    ["2024-00-10", /does not exist/],
    ["31/04/2024", /does not exist/],
    ["30 February 2024", /does not exist/],
    ["13/13/2024", /neither 13 nor 13 can be a month/],
    ["Monday, March 5, 2024", /weekday does not match/],
    ["2024-03-05T25:00:00Z", /Invalid time/],
  ])("flags the impossible %j", (input, reason) => {
    const result = formatDate(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(reason);
  });

  it.each(["tomorrow", "", "2024", "20240305", "1709596800", "March 2024", "5 Smarch 2024", "2024-03-05-06"])(
    "flags %j as not a date",
    (input) => {
      const result = formatDate(input);
      expect(result.value).toBe(input);
      expect(result.warning).toMatch(/^Not a recognised date: .* The value was stored as sent\.$/);
    },
  );
});
