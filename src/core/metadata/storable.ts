import { invalidInput } from "../errors";
import { JsonNumber, type MetadataEntry, type MetadataValue } from "./metadata-value";

/** Deeper than any real payload; bounds the work (and the stack) of everything after parsing. */
export const MAX_NESTING = 64;

/**
 * What Postgres cannot store must be refused up front, as the client's error: a NUL character
 * (text and jsonb reject it) and a lone UTF-16 surrogate (not valid Unicode). Reported per key.
 */
export function problemOf(text: string): string | undefined {
  if (text.includes("\u0000")) {
    return "contains a NUL character";
  }
  if (!text.isWellFormed()) {
    return "contains an unpaired UTF-16 surrogate (not valid Unicode)";
  }
  return undefined;
}

/** Walks without recursion, so a hostile depth can only produce this error, never a stack overflow. */
function problemInValue(value: MetadataValue): string | undefined {
  const stack: { value: MetadataValue; depth: number }[] = [{ value, depth: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value: current, depth } = item;
    if (typeof current === "string") {
      const problem = problemOf(current);
      if (problem) {
        return `value ${problem}`;
      }
      continue;
    }
    if (current === null || typeof current === "boolean" || current instanceof JsonNumber) {
      continue;
    }
    if (depth > MAX_NESTING) {
      return `value is nested deeper than ${MAX_NESTING} levels`;
    }
    const children = Array.isArray(current) ? current : Object.entries(current);
    for (const child of children) {
      if (Array.isArray(child) && !Array.isArray(current)) {
        const [key, inner] = child as [string, MetadataValue];
        const problem = problemOf(key);
        if (problem) {
          return `nested key ${problem}`;
        }
        stack.push({ value: inner, depth: depth + 1 });
      } else {
        stack.push({ value: child as MetadataValue, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Rejects the whole request (nothing is written) naming every key whose key or value cannot be stored. */
export function assertStorable(entries: readonly MetadataEntry[]): void {
  const invalid = entries.flatMap(({ sourceKey, value }) => {
    const reason = problemOf(sourceKey) ? `key ${problemOf(sourceKey)}` : problemInValue(value);
    return reason ? [{ key: JSON.stringify(sourceKey).slice(1, 65), reason }] : [];
  });
  if (invalid.length > 0) {
    throw invalidInput(`cannot store: ${invalid.map((i) => `"${i.key}" (${i.reason})`).join(", ")}`, {
      invalid_keys: invalid,
    });
  }
}
