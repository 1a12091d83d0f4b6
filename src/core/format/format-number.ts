import { type FormatResult, unformatted } from "./format-result";

export interface NumberFormatOptions {
  /** The value was a JSON number: its grammar is fixed, so "." is always the decimal point. */
  fromJsonNumber?: boolean;
}

// One separator between 1–3 digits and exactly 3 more: "1,234" is 1234 in en-US but 1.234 in es-ES.
const AMBIGUOUS = /^[1-9]\d{0,2}[.,]\d{3}$/;
const PLAIN = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;
// Each capture: [1] integer digits with group separators (no leading 0 group), [2] fraction digits.
const GROUPED: readonly RegExp[] = [
  /^([1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d+))?$/,
  /^([1-9]\d{0,2}(?:\.\d{3})+)(?:,(\d+))?$/,
  // A space (any kind used by locales) is never a decimal mark, so either mark may follow it.
  /^([1-9]\d{0,2}(?:[ \u00a0\u2009\u202f]\d{3})+)(?:[.,](\d+))?$/,
  /^([1-9]\d{0,2}(?:['’]\d{3})+)(?:\.(\d+))?$/,
  // A lone comma that AMBIGUOUS let through cannot be a thousands separator.
  /^(\d+),(\d+)$/,
];
// Writing out 1e1000000 would turn a few bytes of input into a megabyte of digits.
const MAX_EXPONENT = 1000;

function canonical(negative: boolean, integer: string, fraction: string): string {
  const int = integer.replace(/^0+/, "") || "0";
  const frac = fraction.replace(/0+$/, "");
  const digits = frac === "" ? int : `${int}.${frac}`;
  return negative && digits !== "0" ? `-${digits}` : digits;
}

/** Moves the decimal point on the digit string itself, so no float ever rounds the value. */
function shift(integer: string, fraction: string, exponent: number): [string, string] {
  const digits = integer + fraction;
  const point = integer.length + exponent;
  if (point <= 0) {
    return ["0", "0".repeat(-point) + digits];
  }
  if (point >= digits.length) {
    return [digits + "0".repeat(point - digits.length), ""];
  }
  return [digits.slice(0, point), digits.slice(point)];
}

const NOT_A_NUMBER =
  "Not a number: expected digits with an optional sign, decimal point and thousands separators (no units or words).";

/**
 * Canonical plain decimal text, exact to the last digit: no "+", no leading zeros, no trailing
 * fraction zeros, no grouping, "." as decimal point, exponents written out ("1e3" → "1000").
 */
export function formatNumber(value: string, options: NumberFormatOptions = {}): FormatResult {
  const text = value.trim().replace(/^\u2212/, "-");
  const sign = text[0] === "-" || text[0] === "+" ? text[0] : "";
  const body = text.slice(sign.length);
  const negative = sign === "-";

  if (!options.fromJsonNumber && AMBIGUOUS.test(body)) {
    const integer = body.slice(0, -4);
    const fraction = body.slice(-3);
    return unformatted(
      value,
      `Ambiguous number: "${body.slice(-4, -3)}" could be a thousands separator or a decimal point ` +
        `(${integer}${fraction} or ${integer}.${fraction}).`,
    );
  }

  const plain = PLAIN.exec(body);
  if (plain) {
    const integer = plain[1] ?? "";
    const fraction = plain[2] ?? "";
    if (integer === "" && fraction === "") {
      return unformatted(value, NOT_A_NUMBER);
    }
    const exponent = plain[3] === undefined ? 0 : Number(plain[3]);
    if (Math.abs(exponent) > MAX_EXPONENT) {
      return unformatted(
        value,
        `Number out of range: exponents beyond ±${MAX_EXPONENT} are not written out.`,
      );
    }
    return { value: canonical(negative, ...shift(integer, fraction, exponent)) };
  }

  if (!options.fromJsonNumber) {
    for (const pattern of GROUPED) {
      const grouped = pattern.exec(body);
      if (grouped) {
        return { value: canonical(negative, (grouped[1] ?? "").replace(/\D/g, ""), grouped[2] ?? "") };
      }
    }
  }
  return unformatted(value, NOT_A_NUMBER);
}
