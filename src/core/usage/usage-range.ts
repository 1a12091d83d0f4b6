import { invalidInput } from "../errors";

/** At most one year of days per read (366: a leap year). */
export const MAX_USAGE_DAYS = 366;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function parseDay(value: string, name: string): number {
  const match = DATE.exec(value);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over into March: a real date prints back as itself.
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
    throw invalidInput(`${name} must be a date as YYYY-MM-DD, got "${value}"`, { [name]: value });
  }
  return time;
}

const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

/**
 * The days of a usage read: `from` and `to` inclusive (UTC dates). Left out, `from` is the first
 * day of `to`'s month (of today's, when `to` is left out too), and `to` is the last day of
 * `from`'s month, or today when that month is the current one (the future holds no usage).
 */
export function usageRange(input: { from?: string | undefined; to?: string | undefined }, today: Date) {
  const now = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const firstOfMonth = (time: number) => {
    const day = new Date(time);
    return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1);
  };
  const givenTo = input.to === undefined ? undefined : parseDay(input.to, "to");
  const from = input.from === undefined ? firstOfMonth(givenTo ?? now) : parseDay(input.from, "from");
  const monthEnd = (() => {
    const day = new Date(from);
    return Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1) - DAY_MS;
  })();
  const to = givenTo ?? Math.max(from, Math.min(monthEnd, now));
  if (to < from) {
    throw invalidInput(`to (${isoDay(to)}) is before from (${isoDay(from)})`);
  }
  const days = (to - from) / DAY_MS + 1;
  if (days > MAX_USAGE_DAYS) {
    throw invalidInput(`at most ${MAX_USAGE_DAYS} days per request, asked for ${days}`, {
      max_days: MAX_USAGE_DAYS,
    });
  }
  return { from: isoDay(from), to: isoDay(to) };
}
