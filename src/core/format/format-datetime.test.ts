import { describe, expect, it } from "vitest";
import { formatDatetime } from "./format-datetime";

describe("formatDatetime", () => {
  it.each([
    ["2024-03-05T10:00:00Z", "2024-03-05T10:00:00.000Z"],
    ["2024-03-05T10:00:00.123Z", "2024-03-05T10:00:00.123Z"],
    ["2024-03-05t10:00z", "2024-03-05T10:00:00.000Z"],
    ["2024-03-05T10:00:00+01:00", "2024-03-05T09:00:00.000Z"],
    ["2024-03-05T23:30:00-05:00", "2024-03-06T04:30:00.000Z"],
    ["2024-03-05T10:00:00+0530", "2024-03-05T04:30:00.000Z"],
    ["2024-03-05 10:00 +01", "2024-03-05T09:00:00.000Z"],
    ["2024-03-05 10:00 UTC", "2024-03-05T10:00:00.000Z"],
    ["2024-03-05 10:00 GMT+2", "2024-03-05T08:00:00.000Z"],
    ["2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00.000Z"],
    // Sub-millisecond digits are kept, never rounded.
    ["2024-03-05T10:00:00.123456+00:00", "2024-03-05T10:00:00.123456Z"],
    ["2024-03-05T10:00:00.120000Z", "2024-03-05T10:00:00.120Z"],
    ["0050-06-01T12:00:00Z", "0050-06-01T12:00:00.000Z"],
    // Without a zone: wall-clock time as sent, no zone guessed.
    ["2024-03-05T10:00", "2024-03-05T10:00:00"],
    ["2024-03-05 10:00:30", "2024-03-05T10:00:30"],
    ["2024-03-05T10:00:30.5", "2024-03-05T10:00:30.500"],
    ["25/12/2024 18:45", "2024-12-25T18:45:00"],
    ["March 5, 2024 at 10:30 pm", "2024-03-05T22:30:00"],
    ["5 de marzo de 2024, 12:15 a.m.", "2024-03-05T00:15:00"],
    ["5 March 2024 12:00 PM +01:00", "2024-03-05T11:00:00.000Z"],
    // Unix time: 10 digits are seconds, 13 are milliseconds.
    ["1709632800", "2024-03-05T10:00:00.000Z"],
    ["1709632800123", "2024-03-05T10:00:00.123Z"],
  ])("formats %j as %j", (input, expected) => {
    expect(formatDatetime(input)).toEqual({ value: expected });
  });

  it.each([
    ["03/05/2024 10:00", /^Ambiguous datetime: .* day or the month/],
    ["05/03/24 10:00", /^Ambiguous datetime: the year/],
    ["2024-02-30T10:00:00Z", /^Invalid datetime: .* does not exist/],
    ["2024-03-05T24:00:00Z", /^Invalid time/],
    ["2024-03-05T10:60:00Z", /^Invalid time/],
    ["2024-03-05T10:00:60Z", /^Invalid time/],
    ["2024-03-05 13:00 pm", /^Invalid time: 13 is not an hour/],
    ["2024-03-05T10:00:00+25:00", /^Invalid time: the UTC offset/],
    ["2024-03-05", /^Incomplete datetime: .* no time of day/],
    ["2024-03-05 10:00 CET", /^Not a recognised datetime/],
    ["yesterday at noon", /^Not a recognised datetime/],
    ["17096328", /^Not a recognised datetime/],
    ["", /^Not a recognised datetime/],
    ["0000-01-01T00:30:00+01:00", /^Invalid datetime: the year is out of range/],
  ])("flags %j, kept as sent", (input, reason) => {
    const result = formatDatetime(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(reason);
    expect(result.warning).toMatch(/The value was stored as sent\.$/);
  });
});
