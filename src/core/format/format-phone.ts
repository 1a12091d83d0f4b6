import {
  type CountryCode,
  isSupportedCountry,
  type MetadataJson,
  parsePhoneNumberFromString,
} from "libphonenumber-js/core";
import { type FormatResult, unformatted } from "./format-result";

/**
 * libphonenumber-js's "min" metadata (`libphonenumber-js/metadata.min.json`, what its `/min` entry
 * bundles): 82 KB minified, about 30 KiB of the API Worker's gzip. The caller hands it in: the API
 * Worker reads it from its static assets the first time an isolate formats a phone number
 * (src/adapters/assets/phone-metadata.ts); the LLM Worker bundles it.
 */
export type PhoneMetadata = MetadataJson;

export interface PhoneFormatOptions {
  /** ISO 3166-1 alpha-2 country for numbers written without an international prefix. */
  defaultCountry?: string | undefined;
  metadata: PhoneMetadata;
}

// Separators people write between digits; anything else (words, letters) is not a phone number.
const PHONE_CHARACTERS = /^\+?[\d\s().\-/\u00a0]+$/;

function defaultCountryOf({ defaultCountry, metadata }: PhoneFormatOptions): CountryCode | undefined {
  // Any string goes in: isSupportedCountry is the check that makes it a CountryCode.
  const country = defaultCountry?.trim().toUpperCase() as CountryCode | undefined;
  return country !== undefined && isSupportedCountry(country, metadata) ? country : undefined;
}

/** Only a number the (min) metadata considers valid for its country is accepted. */
function e164(text: string, metadata: PhoneMetadata, defaultCountry?: CountryCode): string | undefined {
  // extract: false, so "call me on +34 600…" is not quietly cut down to the number inside it.
  const phone = parsePhoneNumberFromString(text, { defaultCountry, extract: false }, metadata);
  return phone?.isValid() ? phone.number : undefined;
}

/**
 * E.164 (`+34600000000`). A number written with `+` is read as international; with a default country
 * the number is read as dialled from there (its own international prefix included, e.g. 011 from the
 * US). "00" is the international prefix of most of the world, so `0034…` is read as `+34…` when the
 * country is unknown, or when reading it in the default country gives no valid number.
 */
export function formatPhone(value: string, options: PhoneFormatOptions): FormatResult {
  const { metadata } = options;
  const text = value.trim().replace(/^tel:/i, "");
  if (
    parsePhoneNumberFromString(text, { extract: false }, metadata)?.ext ||
    /\d\s*(?:ext\.?|x|#)\s*\d+$/i.test(text)
  ) {
    return unformatted(value, "Phone number has an extension, which E.164 cannot hold.");
  }
  if (!PHONE_CHARACTERS.test(text) || !/\d/.test(text)) {
    return unformatted(
      value,
      "Not a phone number: expected digits, optionally with a leading + and spaces, dashes, dots or brackets.",
    );
  }
  const defaultCountry = defaultCountryOf(options);
  const internationalByZeros = /^00[\s().\-/]*[1-9]/.test(text) ? `+${text.slice(2)}` : undefined;
  if (!text.startsWith("+") && defaultCountry === undefined && internationalByZeros === undefined) {
    return unformatted(
      value,
      "Phone number has no international prefix (+ or 00) and its country is unknown, so it cannot be written in E.164.",
    );
  }
  const number =
    e164(text, metadata, defaultCountry) ??
    (internationalByZeros === undefined ? undefined : e164(internationalByZeros, metadata));
  return number === undefined
    ? unformatted(value, "Invalid phone number: it has the wrong length or digits for its country.")
    : { value: number };
}
