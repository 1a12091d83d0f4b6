import { invalidInput } from "../errors";
import { MAX_KEY_LENGTH, toFieldKey } from "../fields/field-key";
import { type MetadataEntry, type MetadataValue, toStoredValue } from "./metadata-value";
import { assertStorable } from "./storable";

/** An entry whose key is canonical and whose value is already the string to store (or null). */
export interface NormalizedField {
  key: string;
  sourceKey: string;
  value: string | null;
  /** The value as sent, for stages (LLM, type formatting) that need more than the string. */
  raw: MetadataValue;
  /** Earlier source keys of the same request that converted to the same key and lost to this one. */
  overrides: string[];
}

/**
 * Validates every key first (one bad key rejects the whole request: docs/contract.md, "Keys"), then folds entries whose
 * keys convert to the same field key: the later one in the body wins and remembers whom it beat.
 */
export function normalizeEntries(entries: readonly MetadataEntry[]): NormalizedField[] {
  assertStorable(entries);
  const invalid: { key: string; reason: string }[] = [];
  const keyed = entries.map((entry) => {
    const key = toFieldKey(entry.sourceKey);
    if (key === "") {
      invalid.push({ key: entry.sourceKey, reason: "converts to an empty field key" });
    } else if (key.length > MAX_KEY_LENGTH) {
      invalid.push({ key: entry.sourceKey.slice(0, 64), reason: `longer than ${MAX_KEY_LENGTH} characters` });
    }
    return { ...entry, key };
  });
  if (invalid.length > 0) {
    const names = invalid.map((i) => JSON.stringify(i.key)).join(", ");
    throw invalidInput(`invalid metadata key(s): ${names}`, { invalid_keys: invalid });
  }

  const byKey = new Map<string, NormalizedField>();
  for (const { key, sourceKey, value } of keyed) {
    const earlier = byKey.get(key);
    // The loser's list is handed on and appended to, never copied: copying it at each repetition
    // made thousands of keys that convert to one (`ｅmail`, `eｍail`, …) quadratic.
    const overrides = earlier ? earlier.overrides : [];
    if (earlier) {
      overrides.push(earlier.sourceKey);
    }
    // Delete first so the winner takes the later position, matching "the later one wins".
    byKey.delete(key);
    byKey.set(key, { key, sourceKey, value: toStoredValue(value), raw: value, overrides });
  }
  return [...byKey.values()];
}
