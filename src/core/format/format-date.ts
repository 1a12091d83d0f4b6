import { parseDateTime, toIsoDate } from "./date-parts";
import { type FormatResult, unformatted } from "./format-result";

/**
 * `YYYY-MM-DD`. A date with a time ("2024-03-05T23:30:00-05:00") keeps the calendar date as
 * written: converting to UTC first would move that example to March 6, a day the sender never
 * wrote. Numeric day/month orders are only accepted when unambiguous (see date-parts).
 */
export function formatDate(value: string): FormatResult {
  const parsed = parseDateTime(value);
  return parsed.ok ? { value: toIsoDate(parsed.value.date) } : unformatted(value, parsed.reason);
}
