import { snakeCase } from "change-case";

export const MAX_KEY_LENGTH = 255;

/**
 * The canonical form of a key: accents folded, then snake_case (which also lower-cases), so
 * `Teléfono`, `telefono` and `TELEFONO` are one key. Stored keys and every comparison use it.
 * @example toFieldKey("Company Name") // "company_name"
 */
export function toFieldKey(sourceKey: string): string {
  return snakeCase(sourceKey.normalize("NFKD").replace(/\p{M}+/gu, ""));
}
