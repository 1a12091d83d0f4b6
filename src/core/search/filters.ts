// Search filters, from the body as sent to what the statement compares: pure, so every rule about
// keys, ops, types and values is here and the adapter only writes SQL for the plan.
import { invalidInput } from "../errors";
import type { FieldDefinition } from "../fields/definition";
import { indexDefinitions, type MatchIndex, matchField } from "../fields/definition-index";
import { MAX_KEY_LENGTH, toFieldKey } from "../fields/field-key";
import { formatDate } from "../format/format-date";
import { formatDatetime } from "../format/format-datetime";
import { formatNumber } from "../format/format-number";
import type { PhoneMetadata } from "../format/format-phone";
import { formatValue } from "../format/format-value";
import { JsonNumber, type MetadataValue } from "../metadata/metadata-value";

export const SEARCH_OPS = [
  "eq",
  "neq",
  "contains",
  "starts_with",
  "exists",
  "not_exists",
  "gt",
  "gte",
  "lt",
  "lte",
] as const;
export type SearchOp = (typeof SEARCH_OPS)[number];
const ORDERED: ReadonlySet<SearchOp> = new Set(["gt", "gte", "lt", "lte"]);
const VALUELESS: ReadonlySet<SearchOp> = new Set(["exists", "not_exists"]);

export const MAX_FILTERS = 20;
/** Longer values cannot be what anyone searches for; they would only make the statement large. */
const MAX_VALUE_LENGTH = 10_000;

/** A filter whose shape is right: the key, op and value are usable whatever the tenant's fields. */
export interface ParsedFilter {
  index: number;
  /** As sent. */
  sourceKey: string;
  op: SearchOp;
  /** The value as text (a JSON number keeps its digits), or null for exists/not_exists. */
  value: string | null;
  /** The value was a JSON number, so its "." is a decimal point for sure. */
  fromJsonNumber: boolean;
}

/**
 * How the statement compares a value: `text` byte for byte (eq, neq) or case-insensitively
 * (contains, starts_with), `number` as a decimal, `instant` as a date/time (a date is its midnight;
 * a datetime without a zone as if it were UTC).
 */
export type Comparison = "text" | "number" | "instant";

export interface PlannedFilter {
  index: number;
  /** The field's key, as values are stored under it. */
  key: string;
  op: SearchOp;
  compare: Comparison;
  /** Formatted for the comparison (canonical number, ISO date), or null for exists/not_exists. */
  value: string | null;
}

const at = (index: number, part?: string) => `filters[${index}]${part ? `.${part}` : ""}`;
const opList = SEARCH_OPS.join(", ");

function textOf(value: MetadataValue | undefined): string | null | undefined {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === "string") {
    return value;
  }
  if (value instanceof JsonNumber) {
    return value.text;
  }
  if (typeof value === "boolean") {
    return value ? "true" : "false";
  }
  return undefined;
}

/**
 * Checks each filter's shape before anything is read: an unknown op, a missing key or value, a
 * value that is an object: 400 naming the filter. `raw` is the parsed body's `filters`.
 */
export function parseFilters(raw: MetadataValue | undefined): ParsedFilter[] {
  if (raw === undefined || raw === null) {
    return [];
  }
  if (!Array.isArray(raw)) {
    throw invalidInput('filters: expected an array of {"key", "op", "value"}');
  }
  if (raw.length > MAX_FILTERS) {
    throw invalidInput(`filters: at most ${MAX_FILTERS} filters, got ${raw.length}`);
  }
  return raw.map((filter, index): ParsedFilter => {
    if (
      typeof filter !== "object" ||
      filter === null ||
      Array.isArray(filter) ||
      filter instanceof JsonNumber
    ) {
      throw invalidInput(`${at(index)}: expected an object {"key", "op", "value"}`, { filter: index });
    }
    const record = filter as { readonly [key: string]: MetadataValue };
    const unknown = Object.keys(record).filter((k) => k !== "key" && k !== "op" && k !== "value");
    if (unknown.length > 0) {
      throw invalidInput(
        `${at(index)}: unknown member(s) ${unknown.map((k) => JSON.stringify(k)).join(", ")}`,
        {
          filter: index,
        },
      );
    }
    const { key, op, value } = record;
    if (typeof key !== "string" || toFieldKey(key) === "" || toFieldKey(key).length > MAX_KEY_LENGTH) {
      throw invalidInput(`${at(index, "key")}: expected the name of a field`, { filter: index });
    }
    if (typeof op !== "string" || !(SEARCH_OPS as readonly string[]).includes(op)) {
      const name = typeof op === "string" ? `"${op}"` : "missing";
      throw invalidInput(`${at(index, "op")}: unknown op ${name}; ops: ${opList}`, { filter: index, op });
    }
    const searchOp = op as SearchOp;
    const text = textOf(value);
    if (VALUELESS.has(searchOp)) {
      if (text !== null) {
        throw invalidInput(`${at(index, "value")}: ${searchOp} takes no value`, { filter: index });
      }
      return { index, sourceKey: key, op: searchOp, value: null, fromJsonNumber: false };
    }
    if (text === undefined || text === null) {
      throw invalidInput(`${at(index, "value")}: ${searchOp} needs a string, number or boolean value`, {
        filter: index,
      });
    }
    if (text.length > MAX_VALUE_LENGTH) {
      throw invalidInput(`${at(index, "value")}: longer than ${MAX_VALUE_LENGTH} characters`, {
        filter: index,
      });
    }
    if ((searchOp === "contains" || searchOp === "starts_with") && text === "") {
      throw invalidInput(`${at(index, "value")}: ${searchOp} needs a non-empty value`, { filter: index });
    }
    return { index, sourceKey: key, op: searchOp, value: text, fromJsonNumber: value instanceof JsonNumber };
  });
}

/** A date alone is its midnight; a datetime field compares dates and datetimes alike. */
function instantOf(type: "date" | "datetime", value: string): string | undefined {
  const asDate = formatDate(value);
  if (type === "date") {
    return asDate.warning ? undefined : asDate.value;
  }
  const asDatetime = formatDatetime(value);
  if (!asDatetime.warning) {
    return asDatetime.value;
  }
  return asDate.warning ? undefined : asDate.value;
}

type Field = Pick<FieldDefinition, "key" | "type" | "options">;

/** eq and neq: the value as the field's type stores it, else exactly as sent (stored as sent too). */
function equalTo(
  field: Field,
  filter: ParsedFilter,
  value: string,
  phoneMetadata: PhoneMetadata | undefined,
): { compare: Comparison; value: string } {
  if (field.type === "number") {
    const number = formatNumber(value, { fromJsonNumber: filter.fromJsonNumber });
    return number.warning ? { compare: "text", value } : { compare: "number", value: number.value };
  }
  if (field.type === "date" || field.type === "datetime") {
    const instant = instantOf(field.type, value);
    return instant === undefined ? { compare: "text", value } : { compare: "instant", value: instant };
  }
  const formatted = formatValue(field, value, { phoneMetadata });
  return { compare: "text", value: formatted.warning ? value : formatted.value };
}

function ordered(field: Field, filter: ParsedFilter, value: string): { compare: Comparison; value: string } {
  if (field.type === "number") {
    const number = formatNumber(value, { fromJsonNumber: filter.fromJsonNumber });
    if (number.warning) {
      throw invalidInput(
        `${at(filter.index, "value")}: ${filter.op} on the number field "${field.key}" needs a number, got ${JSON.stringify(value)}`,
        { filter: filter.index },
      );
    }
    return { compare: "number", value: number.value };
  }
  if (field.type === "date" || field.type === "datetime") {
    const instant = instantOf(field.type, value);
    if (instant === undefined) {
      throw invalidInput(
        `${at(filter.index, "value")}: ${filter.op} on the ${field.type} field "${field.key}" needs a date (YYYY-MM-DD)${field.type === "datetime" ? " or an ISO datetime" : ""}, got ${JSON.stringify(value)}`,
        { filter: filter.index },
      );
    }
    return { compare: "instant", value: instant };
  }
  // Text order ("9" after "10") is never what a gt on a field meant: refused, with the way out.
  throw invalidInput(
    `${at(filter.index, "op")}: ${filter.op} compares numbers and dates, and "${field.key}" is a ${field.type} field; make it a number, date or datetime field (PUT /api/public/custom-fields/${field.key}) to compare its values`,
    { filter: filter.index, key: field.key, type: field.type },
  );
}

/**
 * Each filter against the tenant's fields: its key is matched exactly as an update's key is
 * (toFieldKey, then key, label, alias, separator-insensitive form and lexicon synonym; never the
 * LLM); a key that matches no definition is searched under its snake_case form as a text field
 * (values of a deleted definition are still stored under it). The field's type decides how values
 * compare.
 */
export function planFilters(
  filters: readonly ParsedFilter[],
  definitions: readonly FieldDefinition[],
  /** Required when `filtersFormatPhones(filters, definitions)`. */
  phoneMetadata?: PhoneMetadata,
): PlannedFilter[] {
  const index = indexDefinitions(definitions);
  return filters.map((filter) => {
    const field = fieldOf(index, filter);
    const base = { index: filter.index, key: field.key, op: filter.op };
    if (filter.value === null) {
      return { ...base, compare: "text", value: null };
    }
    if (!comparesTyped(filter)) {
      return { ...base, compare: "text", value: filter.value };
    }
    return {
      ...base,
      ...(ORDERED.has(filter.op)
        ? ordered(field, filter, filter.value)
        : equalTo(field, filter, filter.value, phoneMetadata)),
    };
  });
}

/**
 * Whether planning these filters formats a phone number (eq or neq on a phone field), so the
 * caller loads the phone metadata first, and only then.
 */
export function filtersFormatPhones(
  filters: readonly ParsedFilter[],
  definitions: readonly FieldDefinition[],
): boolean {
  const index = indexDefinitions(definitions);
  return filters.some(
    (filter) =>
      filter.value !== null &&
      comparesTyped(filter) &&
      !ORDERED.has(filter.op) &&
      fieldOf(index, filter).type === "phone",
  );
}

const fieldOf = (index: MatchIndex<FieldDefinition>, filter: ParsedFilter): Field =>
  matchField(index, filter.sourceKey)?.definition ?? { key: toFieldKey(filter.sourceKey), type: "text" };

/** contains and starts_with compare the text as stored; the other ops compare by the field's type. */
const comparesTyped = (filter: ParsedFilter): boolean =>
  filter.op !== "contains" && filter.op !== "starts_with";
