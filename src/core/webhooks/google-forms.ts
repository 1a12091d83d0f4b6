import type { MetadataValue } from "../metadata/metadata-value";
import type { ParsedSubmission } from "./parse-submission";
import { isRecord, type MetadataRecord, SubmissionBuilder, textOf } from "./submission-builder";

/**
 * Google Forms has no webhooks; the Apps Script in test/fixtures/webhooks/README.md posts
 * `{ source: "google_forms", formId, responseId, timestamp, respondentEmail?, answers: [{ title, type, response }] }`.
 */
export function isGoogleForms(body: MetadataValue): body is MetadataRecord {
  return isRecord(body) && body.source === "google_forms" && Array.isArray(body.answers);
}

export function parseGoogleForms(body: MetadataRecord): ParsedSubmission {
  const builder = new SubmissionBuilder("google_forms");
  for (const key of ["aiContactId", "ai_contact_id", "contact_id"]) {
    builder.offerContactId(body[key]);
  }
  // Collected by the form itself (Settings > Collect email addresses), so it outranks any answer.
  builder.offerEmail(body.respondentEmail, true);
  for (const answer of (body.answers as MetadataValue[]).filter(isRecord)) {
    builder.add({ label: textOf(answer.title), value: answer.response });
  }
  // An edited response keeps its id and fires onFormSubmit again with a new timestamp: the pair
  // tells a retry (same pair) from an edit (new pair).
  const responseId = textOf(body.responseId);
  const timestamp = textOf(body.timestamp);
  return builder.build(
    responseId !== undefined && timestamp !== undefined ? `${responseId}@${timestamp}` : responseId,
  );
}
