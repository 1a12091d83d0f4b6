/**
 * API keys look like `cmk_<tenant id, 32 hex>_<secret>`. The tenant id travels in the key so a
 * request can read that tenant's field definitions from KV before any database round trip; the
 * claim is only trusted once the database has matched the key's SHA-256 hash, inside the same
 * statement that writes (see adapters/db/contact-store.ts).
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

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function prefixOf(key: string, kind: TokenKind = "cmk"): string {
  const secret = patternOf(kind).exec(key)?.[2];
  return secret ? `${kind}_${secret.slice(0, 8)}` : key;
}

/** Generates a key for a tenant; `randomBytes` is injected so callers decide the entropy source. */
export async function generateApiKey(
  tenantId: string,
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): Promise<NewApiKey> {
  return generateToken("cmk", tenantId, randomBytes);
}

export async function generateToken(
  kind: TokenKind,
  tenantId: string,
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): Promise<NewApiKey> {
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
  return { key, prefix: prefixOf(key, kind), hash: await sha256Hex(key) };
}

/** Reads the tenant claim out of a key without any I/O; `null` for anything not shaped like a key. */
export async function parseApiKey(key: string, kind: TokenKind = "cmk"): Promise<ApiKeyClaim | null> {
  const match = (kind === "cmk" ? KEY_PATTERN : patternOf(kind)).exec(key);
  if (!match?.[1]) {
    return null;
  }
  return { tenantId: hexToUuid(match[1]), hash: await sha256Hex(key) };
}
