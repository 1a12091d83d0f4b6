import { snakeCase } from "change-case";

export const MAX_KEY_LENGTH = 255;

/**
 * Keys already in canonical ASCII form convert to themselves (field-key.test.ts proves it against
 * the full conversion), so they skip it: most keys sent and every stored key are such, and the
 * full conversion costs microseconds a key, which a 10,000-key request or index feels.
 */
const CANONICAL_ASCII = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * The canonical form of a key: NFKC first, so compatibility forms a keyboard or a form builder can
 * produce (fullwidth `ｅｍａｉｌ`, the ligature in `ﬁrst`, mathematical `𝐞𝐦𝐚𝐢𝐥`) are the plain
 * letters they stand for; then accents folded and snake_case (which also lower-cases), so
 * `Teléfono`, `telefono` and `TELEFONO` are one key. Stored keys and every comparison use it.
 * @example toFieldKey("Company Name") // "company_name"
 */
export function toFieldKey(sourceKey: string): string {
  if (CANONICAL_ASCII.test(sourceKey)) {
    return sourceKey;
  }
  // NFKC composes; NFD then splits accents off their letters so they can be dropped.
  return snakeCase(
    sourceKey
      .normalize("NFKC")
      .normalize("NFD")
      .replace(/\p{M}+/gu, ""),
  );
}

/**
 * The letters and digits of the canonical key, separators dropped: the form in which `e_mail` and
 * `email`, `first_name` and `firstname`, `Web Site` and `website` are one name. Used to compare,
 * never stored.
 * @example compactKey("E-mail") // "email"
 */
export function compactKey(key: string): string {
  return compactCanonical(toFieldKey(key));
}

/** `compactKey` for a key that is already canonical, so hot paths convert it once, not twice. */
export function compactCanonical(canonicalKey: string): string {
  return canonicalKey.replace(/[^\p{L}\p{N}]+/gu, "");
}
