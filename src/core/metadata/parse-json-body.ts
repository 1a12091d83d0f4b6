import { invalidInput } from "../errors";
import { isMetadataObject, JsonNumber, type MetadataEntry, type MetadataValue } from "./metadata-value";

interface ReviverContext {
  source?: string;
}

/**
 * Parses JSON keeping each number's source text (TC39 "JSON.parse source text access", available
 * in workerd's V8) so big numbers keep every digit.
 */
export function parseJsonValue(text: string): MetadataValue {
  try {
    return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: ReviverContext) {
      if (typeof value === "number") {
        return new JsonNumber(context?.source ?? String(value));
      }
      return value;
    }) as MetadataValue;
  } catch (err) {
    // Deep nesting overflows the parser's stack: still the client's fault, not ours.
    const reason = err instanceof SyntaxError ? err.message : "nesting too deep";
    throw invalidInput(`body is not valid JSON: ${reason}`);
  }
}

/** A metadata body as ordered entries. */
export function parseJsonBody(text: string): MetadataEntry[] {
  return objectToEntries(parseJsonValue(text));
}

/** A body must be an object; `{"metadata": {...}}` alone is unwrapped. */
export function objectToEntries(body: MetadataValue): MetadataEntry[] {
  if (!isMetadataObject(body)) {
    throw invalidInput("body must be a JSON object of key/value pairs", {
      received:
        body === null
          ? "null"
          : Array.isArray(body)
            ? "array"
            : typeof body === "object"
              ? "number"
              : typeof body,
    });
  }
  const keys = Object.keys(body);
  const inner = body.metadata;
  if (keys.length === 1 && inner !== undefined && isMetadataObject(inner)) {
    return Object.entries(inner).map(([sourceKey, value]) => ({ sourceKey, value }));
  }
  return Object.entries(body).map(([sourceKey, value]) => ({ sourceKey, value }));
}
