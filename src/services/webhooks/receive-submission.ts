import { sha256Hex } from "../../core/auth/sha256";
import { DomainError } from "../../core/errors";
import type { UpdatedField } from "../../core/metadata/item-results";
import type { MetadataValue } from "../../core/metadata/metadata-value";
import type { ContactHint } from "../../core/webhooks/contact-hint";
import { parseSubmission, type WebhookSource } from "../../core/webhooks/parse-submission";
import { unauthenticated } from "../caller";
import type { Deps } from "../deps";
import type { Caller } from "../ports";
import { updateMetadata } from "../update-metadata";
import { noteSpend } from "../usage";
import { verifySignature } from "./verify-signature";

export interface WebhookAnswer {
  ai_contact_id: string;
  source: WebhookSource;
  event_id: string | null;
  fields: UpdatedField[];
}

/** Delivery ids are stored in an index: longer ones are kept as their hash (a 4,000-character id was a 500). */
const MAX_STORED_ID = 200;
const storedId = (id: string): string => (id.length > MAX_STORED_ID ? `sha256:${sha256Hex(id)}` : id);

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
 * A form builder's submission: recognise its shape (core), look the webhook, earlier answers and
 * the contact up (one statement), check the signature when the webhook has a secret, then run the
 * metadata update once per submission id. A retried delivery gets the first answer again and
 * writes nothing. When the webhook is signed, which contact and which delivery id come only from
 * the signed bytes: the URL's `?ai_contact_id=` and an `Idempotency-Key` header are not signed.
 */
export async function receiveSubmission(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    rawBody: Uint8Array;
    headers: (name: string) => string | undefined;
    body: MetadataValue;
    /** `?ai_contact_id=` on the webhook URL: the simplest way to point a form at one contact. */
    queryContactId?: string | undefined;
  },
): Promise<
  /** A replay's answer comes back from storage as stored: the route parses it before sending. */
  { replayed: true; answer: unknown } | { replayed: false; answer: WebhookAnswer }
> {
  const { caller } = input;
  const submission = parseSubmission(input.body, { userAgent: input.headers("user-agent") });
  const signedHint: ContactHint = {
    aiContactId: submission.contact.aiContactId,
    email: submission.contact.email,
    phoneDigits: submission.contact.phone?.replace(/\D/g, "") || undefined,
  };
  const urlHint: ContactHint = { ...signedHint, aiContactId: input.queryContactId ?? signedHint.aiContactId };
  const headerId = input.headers("idempotency-key") ?? input.headers("x-idempotency-key");
  const bodyId = submission.eventId === undefined ? undefined : storedId(submission.eventId);
  const urlId = headerId === undefined ? bodyId : storedId(headerId);

  const found = await deps.webhooks.lookup({
    caller,
    deliveryIds: [...new Set([bodyId, urlId].filter((id): id is string => id !== undefined))],
    hints: { signed: signedHint, unsigned: urlHint },
  });
  if (found.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  deps.isolate.verified.remember(caller.keyHash);
  noteSpend(deps, caller.tenantId, found.spend);
  const signed = found.signingSecret !== null;
  if (found.signingSecret !== null) {
    const { result } = await verifySignature(
      {
        rawBody: input.rawBody,
        headers: input.headers,
        secret: found.signingSecret,
        now: deps.now().getTime(),
      },
      deps.hmac,
    );
    if (result !== "valid") {
      throw new DomainError("UNAUTHENTICATED", `webhook signature ${result}`);
    }
  }
  const deliveryId = signed ? bodyId : urlId;
  const hint = signed ? signedHint : urlHint;
  const contactId = found.contacts[signed ? "signed" : "unsigned"] ?? null;
  const replay = deliveryId === undefined ? undefined : found.replays.get(deliveryId);
  if (replay !== undefined) {
    return { replayed: true, answer: replay };
  }
  if (!contactId) {
    throw new DomainError("NOT_FOUND", `no contact found for ${describeHint(hint)}`, { looked_for: hint });
  }

  const outcome = await updateMetadata(deps, {
    caller,
    requestId: input.requestId,
    items: [{ contactId, entries: submission.entries }],
    deliveryId,
    requireContacts: true,
  });
  const answer: WebhookAnswer = {
    ai_contact_id: contactId,
    source: submission.source,
    event_id: submission.eventId ?? null,
    fields: [],
  };
  if (outcome.duplicate) {
    // A concurrent retry of the same submission won the race and wrote it.
    return { replayed: true, answer };
  }
  const [result] = outcome.results;
  if (!result?.ok) {
    throw result?.error ?? new DomainError("INVALID_INPUT", "submission was not processed");
  }
  answer.fields = result.fields;
  if (deliveryId !== undefined) {
    try {
      await deps.webhooks.saveResponse({ caller, deliveryId, response: answer });
    } catch (err) {
      deps.log("webhook_response_not_saved", err);
    }
  }
  return { replayed: false, answer };
}
