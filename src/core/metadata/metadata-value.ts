/** A JSON number kept as the exact text that was sent, so `12345678901234567890` is never rounded. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type MetadataValue =
  | string
  | boolean
  | null
  | JsonNumber
  | MetadataValue[]
  | { readonly [key: string]: MetadataValue };

/** One key/value pair as it arrived, in body order. */
export interface MetadataEntry {
  sourceKey: string;
  value: MetadataValue;
}

const isRecord = (v: MetadataValue): v is { readonly [key: string]: MetadataValue } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);

/** JSON text of a value, with numbers written exactly as they were sent. */
export function toJsonText(value: MetadataValue): string {
  if (value instanceof JsonNumber) {
    return value.text;
  }
  if (Array.isArray(value)) {
    return `[${value.map(toJsonText).join(",")}]`;
  }
  if (isRecord(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The stored string of a value (docs/contract.md, "Values"): `null` means "clear the field". Inside an array
 * a null element is skipped, since an array as a whole never clears a field.
 */
export function toStoredValue(value: MetadataValue): string | null {
  if (value === null) {
    return null;
  }
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "boolean") {
    return value ? "true" : "false";
  }
  if (value instanceof JsonNumber) {
    return value.text;
  }
  if (Array.isArray(value)) {
    return value
      .map(toStoredValue)
      .filter((v): v is string => v !== null)
      .join(", ");
  }
  return toJsonText(value);
}

export { isRecord as isMetadataObject };
