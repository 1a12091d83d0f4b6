import { ApiError } from "../../errors";
import type { MetadataValue } from "../metadata/metadata-value";
import {
  type UpdatedField,
  type UpdateMetadataDeps,
  updateContactsMetadata,
} from "../metadata/update-contact-metadata";
import type { Caller } from "../ports";
import { parseSubmission, type WebhookSource } from "./parse-submission";
import { verifySignature } from "./verify-signature";
import type { ContactHint, WebhookStore } from "./webhook-port";

export interface WebhookDeps extends UpdateMetadataDeps {
  webhooks: WebhookStore;
}

export interface WebhookAnswer {
  ai_contact_id: string;
  source: WebhookSource;
  event_id: string | null;
  fields: UpdatedField[];
}

const describeHint = (hint: ContactHint): string => {
  if (hint.aiContactId) {
    return `ai_contact_id ${hint.aiContactId}`;
  }
  const parts = [
    hint.email && `email ${hint.email}`,
    hint.phoneDigits && `phone +${hint.phoneDigits}`,
  ].filter(Boolean);
  return parts.length > 0
    ? parts.join(" or ")
    : "an ai_contact_id, email or phone (the submission carries none)";
};

/**
 * A form builder's submission: recognise its shape, find the contact, check the signature when the
 * webhook has a signing secret, then run the metadata pipeline once per submission id. A retried
 * delivery gets the first answer again and writes nothing.
 */
export async function handleSubmission(
  deps: WebhookDeps,
  input: {
    caller: Caller;
    requestId: string;
    rawBody: Uint8Array;
    headers: (name: string) => string | undefined;
    body: MetadataValue;
    /** `?ai_contact_id=` on the webhook URL: the simplest way to point a form at one contact. */
    queryContactId?: string | undefined;
  },
): Promise<{ replayed: boolean; answer: WebhookAnswer }> {
  const { caller } = input;
  const submission = parseSubmission(input.body, { userAgent: input.headers("user-agent") });
  const hint: ContactHint = {
    aiContactId: input.queryContactId ?? submission.contact.aiContactId,
    email: submission.contact.email,
    phoneDigits: submission.contact.phone?.replace(/\D/g, "") || undefined,
  };
  const found = await deps.webhooks.lookup({ caller, eventId: submission.eventId, contact: hint });
  if (found.status === "unauthorized") {
    throw new ApiError("UNAUTHORIZED", "unknown or revoked webhook URL");
  }
  deps.verifiedCallers.remember(caller.keyHash);
  if (found.signingSecret !== null) {
    const { result } = await verifySignature({
      rawBody: input.rawBody,
      headers: input.headers,
      secret: found.signingSecret,
      now: () => deps.now().getTime(),
    });
    if (result !== "valid") {
      throw new ApiError("UNAUTHORIZED", `webhook signature ${result}`);
    }
  }
  if (found.replay) {
    return { replayed: true, answer: found.replay as WebhookAnswer };
  }
  if (!found.contactId) {
    throw new ApiError("NOT_FOUND", `no contact found for ${describeHint(hint)}`, { looked_for: hint });
  }

  const { duplicate, results } = await updateContactsMetadata(deps, {
    caller,
    requestId: input.requestId,
    items: [{ contactId: found.contactId, entries: submission.entries }],
    deliveryId: submission.eventId,
  });
  const answer: WebhookAnswer = {
    ai_contact_id: found.contactId,
    source: submission.source,
    event_id: submission.eventId ?? null,
    fields: [],
  };
  if (duplicate) {
    // A concurrent retry of the same submission won the race and wrote it.
    return { replayed: true, answer };
  }
  const [result] = results;
  if (result?.status !== 200) {
    throw result?.error ?? new ApiError("BAD_REQUEST", "submission was not processed");
  }
  answer.fields = result.fields;
  if (submission.eventId) {
    try {
      await deps.webhooks.saveResponse({ caller, eventId: submission.eventId, response: answer });
    } catch (err) {
      deps.logError("webhook_response_not_saved", err);
    }
  }
  return { replayed: false, answer };
}
