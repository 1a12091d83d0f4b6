import type { MetadataValue } from "../metadata/metadata-value";
import type { ParsedSubmission } from "./parse-submission";
import { isRecord, type MetadataRecord, SubmissionBuilder, textOf } from "./submission-builder";

/** `{ eventType: "FORM_RESPONSE", data: { fields: [{ key, label, type, value, options? }] } }` (https://tally.so/help/webhooks). */
export function isTally(body: MetadataValue): body is MetadataRecord {
  return (
    isRecord(body) &&
    typeof body.eventType === "string" &&
    isRecord(body.data) &&
    Array.isArray(body.data.fields)
  );
}

// Single-answer choice types: one selected option id is one label, not a list of one.
const SINGLE_CHOICE = new Set(["MULTIPLE_CHOICE", "DROPDOWN"]);
// Scores and formulas computed by the form, not answers about the respondent.
const SKIPPED_TYPES = new Set(["CALCULATED_FIELDS"]);

/** Selected option ids as the option texts the respondent saw (an unknown id is kept as sent). */
function choiceValue(field: MetadataRecord, options: readonly MetadataRecord[]): MetadataValue {
  const textById = new Map(options.map((o) => [textOf(o.id), textOf(o.text)]));
  const ids = Array.isArray(field.value) ? field.value : [field.value ?? null];
  const texts = ids.map((id) => textById.get(textOf(id)) ?? id);
  const type = textOf(field.type) ?? "";
  return SINGLE_CHOICE.has(type) && texts.length === 1 ? (texts[0] ?? null) : texts;
}

function fieldValue(field: MetadataRecord): MetadataValue | undefined {
  const options = Array.isArray(field.options) ? field.options.filter(isRecord) : [];
  if (options.length > 0 && field.value !== null) {
    return choiceValue(field, options);
  }
  const value = field.value;
  // File uploads and signatures arrive as file objects; their URL is what can be kept.
  if (Array.isArray(value) && value.length > 0 && value.every((v) => isRecord(v) && v.url !== undefined)) {
    return value.map((v) => (isRecord(v) ? (v.url ?? null) : null));
  }
  return value;
}

/**
 * Tally repeats each ticked checkbox as its own boolean field ("Question (Option)", key
 * `<question key>_<option id>`) after the question itself; the question already lists them.
 */
function isCheckboxEcho(field: MetadataRecord, fields: readonly MetadataRecord[]): boolean {
  if (typeof field.value !== "boolean") {
    return false;
  }
  const key = textOf(field.key) ?? "";
  const label = textOf(field.label) ?? "";
  return fields.some((parent) => {
    if (parent === field || !Array.isArray(parent.options)) {
      return false;
    }
    const parentKey = textOf(parent.key);
    const parentLabel = textOf(parent.label);
    return (
      (parentKey !== undefined && key.startsWith(`${parentKey}_`)) ||
      (parentLabel !== undefined && label.startsWith(`${parentLabel} (`) && label.endsWith(")"))
    );
  });
}

export function parseTally(body: MetadataRecord): ParsedSubmission {
  const data = body.data as MetadataRecord;
  const fields = (data.fields as MetadataValue[]).filter(isRecord);
  const builder = new SubmissionBuilder("tally");
  for (const field of fields) {
    const type = textOf(field.type) ?? "";
    if (SKIPPED_TYPES.has(type) || isCheckboxEcho(field, fields)) {
      continue;
    }
    builder.add({
      label: textOf(field.label),
      fallbackLabel: textOf(field.key),
      value: fieldValue(field),
      kind: type === "INPUT_EMAIL" ? "email" : type === "INPUT_PHONE_NUMBER" ? "phone" : undefined,
    });
  }
  // eventId names one event and stays the same in its retries; responseId is the fallback for
  // payloads without it (an edited response is a new event and must not be taken for a retry).
  return builder.build(textOf(body.eventId) ?? textOf(data.responseId) ?? textOf(data.submissionId));
}
