import { sha256Hex } from "./sha256";

export { sha256Hex };

/**
 * API keys look like `cmk_<tenant id, 32 hex>_<secret>`. The tenant id travels in the key so the
 * rate limits and the definitions of a request can be keyed by it without a lookup; the claim is
 * only trusted once the database has matched the key's SHA-256 hash (see src/services/caller.ts).
 */
/** `cmk_` for API keys, `whk_` for webhook URL tokens: same shape, never interchangeable. */
export type TokenKind = "cmk" | "whk";
const patternOf = (kind: TokenKind) => new RegExp(`^${kind}_([0-9a-f]{32})_([A-Za-z0-9]{32})$`);
const KEY_PATTERN = patternOf("cmk");
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface ApiKeyClaim {
  tenantId: string;
  /** Hex SHA-256 of the whole key: the only form in which keys are stored. */
  hash: string;
}

export interface NewApiKey {
  key: string;
  /** Short visible part stored next to the hash, to recognise and revoke a key. */
  prefix: string;
  hash: string;
}

const uuidToHex = (uuid: string): string => uuid.replaceAll("-", "").toLowerCase();
const hexToUuid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export function prefixOf(key: string, kind: TokenKind = "cmk"): string {
  const secret = patternOf(kind).exec(key)?.[2];
  return secret ? `${kind}_${secret.slice(0, 8)}` : key;
}

/** Generates a key for a tenant; `randomBytes` is injected so callers decide the entropy source. */
export function generateApiKey(
  tenantId: string,
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): NewApiKey {
  return generateToken("cmk", tenantId, randomBytes);
}

export function generateToken(
  kind: TokenKind,
  tenantId: string,
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): NewApiKey {
  // 32 chars from a 62-letter alphabet, rejection-sampled so every letter is equally likely.
  let secret = "";
  while (secret.length < 32) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && secret.length < 32) {
        secret += ALPHABET[byte % 62];
      }
    }
  }
  const key = `${kind}_${uuidToHex(tenantId)}_${secret}`;
  return { key, prefix: prefixOf(key, kind), hash: sha256Hex(key) };
}

/** Reads the tenant claim out of a key without any I/O; `null` for anything not shaped like a key. */
export function parseApiKey(key: string, kind: TokenKind = "cmk"): ApiKeyClaim | null {
  const match = (kind === "cmk" ? KEY_PATTERN : patternOf(kind)).exec(key);
  if (!match?.[1]) {
    return null;
  }
  return { tenantId: hexToUuid(match[1]), hash: sha256Hex(key) };
}
