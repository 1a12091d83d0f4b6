import { regexes } from "zod/v4/core";
import { type FormatResult, unformatted } from "./format-result";

// RFC 5321 limits; longer addresses cannot be delivered anyway.
const MAX_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;

/**
 * Trimmed, without a `mailto:` prefix, domain lower-cased (domains are case-insensitive; the local
 * part may not be, so it is kept as sent), then checked with zod's e-mail pattern (what `z.email()`
 * uses), imported alone so the formatter does not pull in all of zod.
 */
export function formatEmail(value: string): FormatResult {
  const text = value.trim().replace(/^mailto:/i, "");
  const at = text.lastIndexOf("@");
  if (at < 1) {
    return unformatted(value, "Invalid email: expected one address like name@example.com.");
  }
  const local = text.slice(0, at);
  const email = `${local}@${text.slice(at + 1).toLowerCase()}`;
  if (email.length > MAX_LENGTH || local.length > MAX_LOCAL_LENGTH) {
    return unformatted(value, "Invalid email: the address is longer than email allows.");
  }
  if (!regexes.email.test(email)) {
    return unformatted(value, "Invalid email: expected one address like name@example.com.");
  }
  return { value: email };
}
