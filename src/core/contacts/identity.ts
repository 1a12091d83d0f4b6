import { invalidInput } from "../errors";
import { formatEmail } from "../format/format-email";
import { formatPhone, type PhoneMetadata } from "../format/format-phone";
import { requirePhoneMetadata } from "../format/format-value";

/** How a contact is found without its id: its email, else its phone. */
export interface ContactIdentity {
  /** As stored: trimmed, `mailto:` dropped, domain lower-cased (formatEmail). */
  email: string | null;
  /** E.164 when the number has its country; see `contactFields` for when it may not. */
  phone: string | null;
}

const reasonOf = (warning: string | undefined): string =>
  (warning ?? "").replace(/ The value was stored as sent\.$/, "");

const blank = (value: string | null | undefined): boolean =>
  value === undefined || value === null || value.trim() === "";

function email(value: string | null | undefined, where: string): string | null {
  if (blank(value)) {
    return null;
  }
  const formatted = formatEmail(value as string);
  if (formatted.warning) {
    throw invalidInput(`${where}: ${reasonOf(formatted.warning)}`, { field: where, value });
  }
  return formatted.value;
}

// A number written without + or 00 is a phone all the same, only its country is unknown.
const NATIONAL = /^[\d\s().\-/\u00a0]+$/;

/** Whether reading this identity formats a phone number (so the caller loads the phone metadata first). */
export const hasPhone = (input: { email?: string | null; phone?: string | null }): boolean =>
  !blank(input.phone);

function phone(
  value: string | null | undefined,
  where: string,
  countryRequired: boolean,
  metadata: PhoneMetadata | undefined,
): string | null {
  if (blank(value)) {
    return null;
  }
  const text = (value as string).trim();
  const formatted = formatPhone(text, { metadata: requirePhoneMetadata(metadata) });
  if (!formatted.warning) {
    return formatted.value;
  }
  const noCountry = NATIONAL.test(text) && !/^00/.test(text) && /\d/.test(text);
  if (noCountry && !countryRequired) {
    return text;
  }
  const hint = noCountry ? " Write it with + and its country code (+34 600 000 000)." : "";
  throw invalidInput(`${where}: ${reasonOf(formatted.warning)}${hint}`, { field: where, value });
}

/**
 * The identity an upsert looks a contact up by: a valid email and/or a phone in E.164 (its country
 * known: `+` or `00`), at least one of them. Anything else is the caller's to fix (400).
 * @example identityOf({ email: " Ada@Example.COM " }) // { email: "Ada@example.com", phone: null }
 */
export function identityOf(
  input: { email?: string | null; phone?: string | null },
  where = "",
  phoneMetadata?: PhoneMetadata,
): ContactIdentity {
  const at = (field: string) => (where === "" ? field : `${where}.${field}`);
  const identity = {
    email: email(input.email, at("email")),
    phone: phone(input.phone, at("phone"), true, phoneMetadata),
  };
  if (identity.email === null && identity.phone === null) {
    throw invalidInput(
      `${where === "" ? "" : `${where}: `}an email or a phone is required to find the contact`,
    );
  }
  return identity;
}

/**
 * What POST /contact stores: an email must be one (formatted as update-metadata formats emails);
 * a phone is E.164 when it carries its country, and is kept as sent (trimmed) when it is a plain
 * national number, whose country nobody told us. Text that is no phone number at all is a 400.
 */
export function contactFields(
  input: { email?: string | null; phone?: string | null },
  phoneMetadata?: PhoneMetadata,
): ContactIdentity {
  return { email: email(input.email, "email"), phone: phone(input.phone, "phone", false, phoneMetadata) };
}

/**
 * The keys the database compares identities by (contact_email_key / contact_phone_key in
 * migrations/*_read_side_sql.sql): email case-insensitively, phone by its digits. Used to spot
 * two items of one request that name the same contact.
 */
export const emailKey = (value: string): string => value.trim().toLowerCase();
export const phoneKey = (value: string): string => value.replace(/\D/g, "");
