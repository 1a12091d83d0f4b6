import { Webhook } from "standardwebhooks";
import { webhookMessageId } from "../core/events/message-id";
import { type AttemptOutcome, parseRetryAfter } from "../core/events/retry-policy";
import { webhookBody } from "../core/events/webhook-body";
import { checkWebhookUrl } from "../core/events/webhook-url";
import type { ClaimedDelivery } from "./ports";

export interface AttemptOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  allowLoopback: boolean;
  now: () => Date;
}

/** One signed POST. Never throws: every way it can end is an outcome for the retry policy. */
export async function attemptDelivery(
  delivery: ClaimedDelivery,
  options: AttemptOptions,
): Promise<AttemptOutcome> {
  const checked = checkWebhookUrl(delivery.url, { allowLoopback: options.allowLoopback });
  if (!checked.ok) {
    return { kind: "refused" };
  }
  const id = webhookMessageId(delivery.id);
  const body = webhookBody(delivery.event, delivery.fields);
  const sentAt = options.now();
  // The package signs "{id}.{seconds}.{body}" with the key decoded from whsec_…; the header
  // carries the same whole seconds it signed.
  const signature = new Webhook(delivery.secret).sign(id, sentAt, body);
  try {
    const response = await options.fetch(checked.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "contact-metadata-webhooks/1",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
      // A redirect could lead anywhere, past the URL policy: a 3xx is an answer, not a hop.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Only the status matters; an unread body would hold the connection.
    await response.body?.cancel();
    return {
      kind: "response",
      status: response.status,
      retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
    };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    return name === "TimeoutError" || name === "AbortError" ? { kind: "timeout" } : { kind: "network" };
  }
}
