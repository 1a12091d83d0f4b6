import type { FieldDefinition } from "../fields/definition";
import { formatBoolean } from "./format-boolean";
import { formatDate } from "./format-date";
import { formatDatetime } from "./format-datetime";
import { formatEmail } from "./format-email";
import { formatNumber } from "./format-number";
import { formatPhone, type PhoneMetadata } from "./format-phone";
import type { FormatResult } from "./format-result";
import { formatSelect } from "./format-select";
import { formatUrl } from "./format-url";

export type { FormatResult } from "./format-result";

export interface FormatOptions {
  /** ISO 3166-1 alpha-2 country for phone numbers written without an international prefix. */
  defaultCountry?: string;
  /**
   * The value was a JSON number in the body (not a string). Its "." is then a decimal point for
   * sure, so `1.234` is 1.234 instead of being flagged as possibly 1234.
   */
  fromJsonNumber?: boolean;
  /** Needed to format a `phone` field's value (see PhoneMetadata): callers load it only then. */
  phoneMetadata?: PhoneMetadata | undefined;
}

/**
 * The stored form of a value of a typed field. Deterministic; whatever cannot be formatted
 * unambiguously comes back exactly as sent with a `warning`.
 */
export function formatValue(
  definition: Pick<FieldDefinition, "type" | "options">,
  value: string,
  options: FormatOptions = {},
): FormatResult {
  switch (definition.type) {
    case "text":
      return { value };
    case "number":
      return formatNumber(value, options);
    case "boolean":
      return formatBoolean(value);
    case "date":
      return formatDate(value);
    case "datetime":
      return formatDatetime(value);
    case "email":
      return formatEmail(value);
    case "phone":
      return formatPhone(value, {
        defaultCountry: options.defaultCountry,
        metadata: requirePhoneMetadata(options.phoneMetadata),
      });
    case "url":
      return formatUrl(value);
    case "select":
      return formatSelect(value, definition.options);
  }
}

/**
 * The metadata a phone number needs, or our bug: a caller that formats a phone field's value must
 * have loaded it first (see `formatsPhoneNumbers` in plan-update and its kin).
 */
export function requirePhoneMetadata(metadata: PhoneMetadata | undefined): PhoneMetadata {
  if (!metadata) {
    throw new Error("formatting a phone number needs libphonenumber-js's metadata, which was not loaded");
  }
  return metadata;
}
