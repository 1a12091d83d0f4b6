import { fold } from "./format-result";

export type Parsed<T> =
  | { ok: true; value: T }
  /** `unrecognised`: not written in any accepted form (as opposed to invalid or ambiguous). */
  | { ok: false; reason: string; unrecognised?: boolean };

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
  /** Fraction-of-second digits exactly as sent (may be ""), so microseconds are never rounded. */
  fraction: string;
  /** Minutes east of UTC, or null when the value named no zone. */
  offsetMinutes: number | null;
}

export interface DateTimeParts {
  date: CalendarDate;
  time: TimeOfDay | null;
}

// Each list is in calendar order; English and Spanish share "mar", "may", "jun", "jul", "sep", "oct", "nov".
const MONTH_NAMES = [
  "january february march april may june july august september october november december",
  "jan feb mar apr may jun jul aug sep oct nov dec",
  "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
  "ene feb mar abr may jun jul ago sep oct nov dic",
].map((names) => names.split(" "));
const MONTHS = new Map<string, number>([
  ...MONTH_NAMES.flatMap((names) => names.map((name, i) => [name, i + 1] as const)),
  ["sept", 9],
  ["setiembre", 9],
  ["set", 9],
]);

// Sunday = 0, as Date#getUTCDay. Spanish abbreviations are left out because "mar" would also be March.
const WEEKDAYS = new Map<string, number>([
  ...[
    "sunday monday tuesday wednesday thursday friday saturday",
    "sun mon tue wed thu fri sat",
    "domingo lunes martes miercoles jueves viernes sabado",
  ].flatMap((names) => names.split(" ").map((name, i) => [name, i] as const)),
  ["tues", 2],
  ["thur", 4],
  ["thurs", 4],
]);

const YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const TWO_DIGIT_YEAR = /^\d{1,2}([-/.])\d{1,2}\1\d{1,2}$/;
const ORDINAL_DAY = /^(\d{1,2})(?:st|nd|rd|th|º|ª|°)?$/;
// A time at the very end of the text, after "T", a space or a comma; the rest is the date.
const TRAILING_TIME =
  /(?:^|[T\s,])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([ap])\.?m\.?)?(?:\s*(z|(?:utc|gmt)?\s*([+\-\u2212])(\d{1,2})(?::?(\d{2}))?|utc|gmt))?$/i;
// Offsets reach ±14:00 in practice; ISO 8601 allows a little more.
const MAX_OFFSET_MINUTES = 18 * 60;

const NOT_A_DATE =
  "expected YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY or a date with the month name (5 March 2024, 5 de marzo de 2024).";

export function isCalendarDate({ year, month, day }: CalendarDate): boolean {
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

export function toIsoDate({ year, month, day }: CalendarDate): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function checked(date: CalendarDate): Parsed<CalendarDate> {
  return isCalendarDate(date)
    ? { ok: true, value: date }
    : {
        ok: false,
        reason: `Invalid date: ${toIsoDate(date)} (year-month-day) does not exist in the calendar.`,
      };
}

/**
 * Day and month of a numeric date written with the year last. The order is only taken as known
 * when one number cannot be a month (> 12) or both are equal; "03/05/2024" is 3 May in Spain
 * and March 5 in the US, so it is refused rather than guessed.
 */
function dayAndMonth(first: number, second: number, year: number): Parsed<CalendarDate> {
  if (first > 12 && second > 12) {
    return { ok: false, reason: `Invalid date: neither ${first} nor ${second} can be a month.` };
  }
  if (first > 12 || first === second) {
    return checked({ year, month: second, day: first });
  }
  if (second > 12) {
    return checked({ year, month: first, day: second });
  }
  return {
    ok: false,
    reason:
      `Ambiguous date: ${first} and ${second} could each be the day or the month (DD/MM or MM/DD). ` +
      "Send it as YYYY-MM-DD.",
  };
}

function withMonthName(text: string): Parsed<CalendarDate> | null {
  const tokens = fold(text)
    .split(/[\s,./-]+/)
    .filter((token) => token !== "" && token !== "de" && token !== "del");
  const weekday = tokens[0] !== undefined ? WEEKDAYS.get(tokens[0]) : undefined;
  if (weekday !== undefined) {
    tokens.shift();
  }
  const monthAt = tokens.findIndex((token) => MONTHS.has(token));
  if (tokens.length !== 3 || monthAt === -1) {
    return null;
  }
  const month = MONTHS.get(tokens[monthAt] ?? "") ?? 0;
  const rest = tokens.filter((_, i) => i !== monthAt);
  // "March 5 2024", "5 March 2024" and "2024 March 5" are the orders in use.
  const [yearToken, dayToken] = monthAt === 1 && /^\d{4}$/.test(rest[0] ?? "") ? rest : [rest[1], rest[0]];
  const dayMatch = ORDINAL_DAY.exec(dayToken ?? "");
  if (monthAt === 2 || !dayMatch || !/^\d+$/.test(yearToken ?? "")) {
    return null;
  }
  if ((yearToken?.length ?? 0) <= 2) {
    return { ok: false, reason: "Ambiguous date: the year has to be written with four digits." };
  }
  if (yearToken?.length !== 4) {
    return null;
  }
  const parsed = checked({ year: Number(yearToken), month, day: Number(dayMatch[1]) });
  if (parsed.ok && weekday !== undefined) {
    const actual = new Date(Date.UTC(2000, parsed.value.month - 1, parsed.value.day));
    actual.setUTCFullYear(parsed.value.year);
    if (actual.getUTCDay() !== weekday) {
      return { ok: false, reason: "Invalid date: the weekday does not match the date." };
    }
  }
  return parsed;
}

/** A calendar date on its own (no time). */
export function parseDate(input: string): Parsed<CalendarDate> {
  const text = input.trim();
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) {
    return checked({ year: Number(yearFirst[1]), month: Number(yearFirst[3]), day: Number(yearFirst[4]) });
  }
  const yearLast = YEAR_LAST.exec(text);
  if (yearLast) {
    return dayAndMonth(Number(yearLast[1]), Number(yearLast[3]), Number(yearLast[4]));
  }
  if (TWO_DIGIT_YEAR.test(text)) {
    return { ok: false, reason: "Ambiguous date: the year has to be written with four digits." };
  }
  return (
    withMonthName(text) ?? { ok: false, reason: `Not a recognised date: ${NOT_A_DATE}`, unrecognised: true }
  );
}

function parseTime(match: RegExpExecArray): Parsed<TimeOfDay> {
  const [, h, mi, s, fraction, meridiem, zone, offsetSign, offsetHours, offsetMinutes] = match;
  let hour = Number(h);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) {
      return { ok: false, reason: `Invalid time: ${hour} is not an hour on a 12-hour clock.` };
    }
    hour = (hour % 12) + (meridiem.toLowerCase() === "p" ? 12 : 0);
  }
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: "Invalid time: hours go to 23, minutes and seconds to 59." };
  }
  let offset: number | null = null;
  if (zone !== undefined) {
    offset =
      offsetSign === undefined
        ? 0
        : (offsetSign === "+" ? 1 : -1) * (Number(offsetHours) * 60 + Number(offsetMinutes ?? "0"));
    if (Number(offsetMinutes ?? "0") > 59 || Math.abs(offset) > MAX_OFFSET_MINUTES) {
      return { ok: false, reason: "Invalid time: the UTC offset is out of range." };
    }
  }
  return { ok: true, value: { hour, minute, second, fraction: fraction ?? "", offsetMinutes: offset } };
}

/** A date optionally followed by a time ("2024-03-05T10:00:00Z", "5 March 2024, 10:00 pm"). */
export function parseDateTime(input: string): Parsed<DateTimeParts> {
  const text = input.trim();
  const timeMatch = TRAILING_TIME.exec(text);
  if (!timeMatch) {
    const date = parseDate(text);
    return date.ok ? { ok: true, value: { date: date.value, time: null } } : date;
  }
  const datePart = text
    .slice(0, timeMatch.index)
    .replace(/\s+(?:at|a las)$/i, "")
    .replace(/,$/, "");
  const date = parseDate(datePart);
  if (!date.ok) {
    return date;
  }
  const time = parseTime(timeMatch);
  return time.ok ? { ok: true, value: { date: date.value, time: time.value } } : time;
}
