import { toFieldKey } from "../fields/field-key";
import type { MetadataEntry, MetadataValue } from "../metadata/metadata-value";
import { objectToEntries } from "../metadata/parse-json-body";
import { isGoogleForms, parseGoogleForms } from "./google-forms";
import { isJotform, parseJotform } from "./jotform";
import {
  firstText,
  isContactIdName,
  isRecord,
  SubmissionBuilder,
  spotContactByName,
} from "./submission-builder";
import { isTally, parseTally } from "./tally";
import { isTypeform, parseTypeform } from "./typeform";
import { isWebflow, parseWebflow } from "./webflow";

export type WebhookSource =
  | "typeform"
  | "tally"
  | "jotform"
  | "webflow"
  | "google_forms"
  | "zapier"
  | "make"
  | "generic";

export interface ParsedSubmission {
  source: WebhookSource;
  /** Stable id of this submission, so a retried delivery is recognised (Typeform form_response.token, Tally eventId/responseId, Jotform submissionID, Webflow payload.id/_id, …); undefined when the payload has none. */
  eventId?: string;
  /** One entry per answer, keyed by the question's title/label, choice answers as their labels, in form order. Metadata-like fields (form id, timestamps, hidden fields other than the contact id) may be included or skipped: decide and document. */
  entries: MetadataEntry[];
  /** What identifies the contact, as found in the submission (a hidden field or body field named ai_contact_id / aiContactId / contact_id, an email answer, a phone answer). */
  contact: { aiContactId?: string; email?: string; phone?: string };
}

export interface SubmissionHints {
  userAgent?: string;
  headers?: Record<string, string>;
}

function header(hints: SubmissionHints, name: string): string | undefined {
  const found = Object.entries(hints.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

/** Zapier and Make send whatever the user mapped; only their User-Agent tells them apart. */
function automationSource(hints: SubmissionHints): WebhookSource {
  const userAgent = (hints.userAgent ?? header(hints, "user-agent") ?? "").trim();
  if (/zapier/i.test(userAgent)) {
    return "zapier";
  }
  return /^(?:make|integromat)\b/i.test(userAgent) ? "make" : "generic";
}

// Only explicit idempotency keys: a body's `id` or `event_id` may well be data (a webinar's id)
// shared by many submissions, and treating it as one would drop all but the first.
const isIdempotencyKey = (key: string): boolean => toFieldKey(key) === "idempotency_key";

/**
 * Any other body, read like the metadata route reads it (`{"metadata": {...}}` alone is unwrapped,
 * nulls clear, empty strings are values), minus the contact id and an idempotency key, which
 * address the write rather than describe the contact.
 */
function parseGeneric(body: MetadataValue, hints: SubmissionHints): ParsedSubmission {
  const builder = new SubmissionBuilder(automationSource(hints));
  let eventId = header(hints, "idempotency-key") ?? header(hints, "x-idempotency-key");
  const route = (key: string, value: MetadataValue): boolean => {
    if (isContactIdName(key)) {
      builder.offerContactId(value);
      return false;
    }
    if (isIdempotencyKey(key)) {
      eventId ??= firstText(value);
      return false;
    }
    return true;
  };
  const outer = isRecord(body)
    ? Object.fromEntries(Object.entries(body).filter(([k, v]) => route(k, v)))
    : body;
  const entries = objectToEntries(outer).filter(({ sourceKey, value }) => route(sourceKey, value));
  for (const entry of entries) {
    builder.keep(entry);
  }
  spotContactByName(builder, entries);
  return builder.build(eventId);
}

/**
 * A webhook body as answers and contact hints. `body` is the parsed JSON (parseJsonValue) or, for a
 * form-encoded or multipart post, a record of field name to string or string[]. The envelope is
 * recognised by shape (see test/fixtures/webhooks/README.md for the rules); anything else is read
 * as a generic key/value body. Throws the metadata route's 400 when the body is not an object.
 */
export function parseSubmission(body: MetadataValue, hints: SubmissionHints = {}): ParsedSubmission {
  if (isTypeform(body)) {
    return parseTypeform(body);
  }
  if (isTally(body)) {
    return parseTally(body);
  }
  if (isWebflow(body)) {
    return parseWebflow(body);
  }
  if (isJotform(body)) {
    return parseJotform(body);
  }
  if (isGoogleForms(body)) {
    return parseGoogleForms(body);
  }
  return parseGeneric(body, hints);
}
