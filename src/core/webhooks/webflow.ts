import type { MetadataValue } from "../metadata/metadata-value";
import type { ParsedSubmission } from "./parse-submission";
import { isRecord, type MetadataRecord, SubmissionBuilder, textOf } from "./submission-builder";

/**
 * v2: `{ triggerType: "form_submission", payload: { name, siteId, data, schema, submittedAt, id, formId } }`
 * (https://developers.webflow.com/data/reference/webhooks/events/form-submission);
 * v1: `{ name, site, data, d, _id }` (https://developers.webflow.com/data/v1.0.0/reference/form_submission).
 */
export function isWebflow(body: MetadataValue): body is MetadataRecord {
  if (!isRecord(body)) {
    return false;
  }
  if (body.triggerType === "form_submission") {
    return isRecord(body.payload) && isRecord(body.payload.data);
  }
  return isRecord(body.data) && typeof body._id === "string" && typeof body.site === "string";
}

// Bot-protection tokens the browser posts with the form; never an answer.
const CAPTCHA_FIELD = /^(?:g-recaptcha-response|h-captcha-response|cf-turnstile-response)$/i;

export function parseWebflow(body: MetadataRecord): ParsedSubmission {
  const payload = isRecord(body.payload) ? body.payload : body;
  const data = payload.data as MetadataRecord;
  const schema = (Array.isArray(payload.schema) ? payload.schema : []).filter(isRecord);
  const typeOf = (name: string): string =>
    textOf(schema.find((field) => field.fieldName === name)?.fieldType) ?? "";

  const builder = new SubmissionBuilder("webflow");
  for (const [name, value] of Object.entries(data)) {
    if (CAPTCHA_FIELD.test(name)) {
      continue;
    }
    // The schema names each input's type, but its documented example types even the email field as
    // FormTextInput, so the field name is what usually reveals the email and phone.
    const fieldType = typeOf(name);
    builder.add({
      label: name,
      value,
      kind: /email/i.test(fieldType) ? "email" : /phone/i.test(fieldType) ? "phone" : undefined,
    });
  }
  return builder.build(textOf(payload.id) ?? textOf(payload._id));
}
