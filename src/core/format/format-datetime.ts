import { type CalendarDate, parseDateTime, type TimeOfDay, toIsoDate } from "./date-parts";
import { type FormatResult, unformatted } from "./format-result";

const pad = (n: number) => String(n).padStart(2, "0");

/** Milliseconds at least, as Date#toISOString; finer digits that were sent are kept, never rounded. */
function secondsText(second: number, fraction: string, alwaysFraction: boolean): string {
  const significant = fraction.replace(/0+$/, "");
  return significant === "" && !alwaysFraction ? pad(second) : `${pad(second)}.${significant.padEnd(3, "0")}`;
}

function toUtc(date: CalendarDate, time: TimeOfDay, offsetMinutes: number): string | null {
  // Integer arithmetic on a Date only: setUTCFullYear avoids Date.UTC's 0–99 → 1900s mapping.
  const instant = new Date(0);
  instant.setUTCFullYear(date.year, date.month - 1, date.day);
  instant.setUTCHours(time.hour, time.minute - offsetMinutes, time.second, 0);
  const year = instant.getUTCFullYear();
  if (year < 0 || year > 9999) {
    return null;
  }
  const day = toIsoDate({ year, month: instant.getUTCMonth() + 1, day: instant.getUTCDate() });
  return `${day}T${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${secondsText(instant.getUTCSeconds(), time.fraction, true)}Z`;
}

// Exactly 10 digits is seconds and 13 is milliseconds since 1970 (both span 2001–2286); other
// lengths could be either, so they are refused.
const EPOCH_SECONDS = /^\d{10}$/;
const EPOCH_MILLIS = /^\d{13}$/;

/**
 * ISO 8601. With a zone (Z, UTC, GMT or an offset): the instant in UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`.
 * Without one: the wall-clock time as sent, `YYYY-MM-DDTHH:mm:ss[.fff]`, with no zone guessed and
 * no warning, since nothing was lost or invented. A date without a time is flagged instead of being
 * given a made-up midnight.
 */
export function formatDatetime(value: string): FormatResult {
  const text = value.trim();
  if (EPOCH_SECONDS.test(text) || EPOCH_MILLIS.test(text)) {
    const millis = Number(text) * (text.length === 10 ? 1000 : 1);
    return { value: new Date(millis).toISOString() };
  }
  const parsed = parseDateTime(text);
  if (!parsed.ok) {
    return unformatted(
      value,
      parsed.unrecognised
        ? "Not a recognised datetime: expected ISO 8601 such as 2024-03-05T10:00:00Z or 2024-03-05 10:00+01:00 " +
            "(a date, a time and optionally Z or a UTC offset), or Unix time in seconds (10 digits) or milliseconds (13 digits)."
        : parsed.reason.replace(/^(\w+) date:/, "$1 datetime:"),
    );
  }
  const { date, time } = parsed.value;
  if (time === null) {
    return unformatted(value, "Incomplete datetime: it has a date but no time of day.");
  }
  if (time.offsetMinutes === null) {
    return {
      value: `${toIsoDate(date)}T${pad(time.hour)}:${pad(time.minute)}:${secondsText(time.second, time.fraction, false)}`,
    };
  }
  const utc = toUtc(date, time, time.offsetMinutes);
  return utc === null
    ? unformatted(value, "Invalid datetime: the year is out of range in UTC.")
    : { value: utc };
}
