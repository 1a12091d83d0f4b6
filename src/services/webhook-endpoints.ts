import { DomainError, invalidInput } from "../core/errors";
import type { ContactEventType } from "../core/events/event-types";
import { MAX_ENDPOINTS_PER_TENANT, subscriptionOf } from "../core/events/subscription";
import { formatWebhookSecret, WEBHOOK_SECRET_BYTES } from "../core/events/webhook-secret";
import { checkWebhookUrl } from "../core/events/webhook-url";
import type { IdempotencyClaim } from "../core/idempotency/idempotency";
import { unauthenticated } from "./caller";
import type { Deps } from "./deps";
import { publishAfterResponse } from "./events";
import { answerEarlierClaim } from "./idempotency";
import type { Caller, CreatedWebhookEndpoint, EventDelivery, WebhookEndpoint } from "./ports";

// Webhook endpoints: where a tenant's systems hear about contact changes. Each operation is ONE
// statement that also verifies the caller; another tenant's endpoint is a 404, exactly like one
// that does not exist.

const endpointNotFound = (id: string) => new DomainError("NOT_FOUND", `webhook endpoint ${id} not found`);

export async function createWebhookEndpoint(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    /** A retry with the same key gets the first answer (the same endpoint and secret), not a second endpoint. */
    idempotency?: IdempotencyClaim | undefined;
    url: string;
    events?: readonly ContactEventType[] | undefined;
    fields?: readonly string[] | undefined;
    description?: string | undefined;
  },
): Promise<CreatedWebhookEndpoint> {
  const checked = checkWebhookUrl(input.url, { allowLoopback: deps.allowLoopbackWebhooks });
  if (!checked.ok) {
    throw invalidInput(`url: ${checked.reason}`);
  }
  const created = await deps.webhookEndpoints.create({
    caller: input.caller,
    endpoint: {
      url: checked.url,
      ...subscriptionOf(input),
      description: input.description ?? null,
      secret: formatWebhookSecret(deps.randomBytes(WEBHOOK_SECRET_BYTES)),
    },
    limit: MAX_ENDPOINTS_PER_TENANT,
    requestId: input.requestId,
    idempotency: input.idempotency,
  });
  if (created.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  if (created.status === "claimed_earlier") {
    return answerEarlierClaim(created.earlier, input.idempotency);
  }
  if (created.status === "limit_reached") {
    throw invalidInput(`a tenant may have at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`, {
      limit: MAX_ENDPOINTS_PER_TENANT,
    });
  }
  return created.endpoint;
}

export async function listWebhookEndpoints(deps: Deps, caller: Caller): Promise<WebhookEndpoint[]> {
  const listed = await deps.webhookEndpoints.list(caller);
  if (listed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  return listed.endpoints;
}

export async function deleteWebhookEndpoint(deps: Deps, input: { caller: Caller; id: string }) {
  const removed = await deps.webhookEndpoints.remove(input.caller, input.id);
  if (removed.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  if (removed.status === "not_found") {
    throw endpointNotFound(input.id);
  }
  return { id: input.id, deleted: true as const };
}

export async function listEventDeliveries(
  deps: Deps,
  input: { caller: Caller; endpointId: string; limit: number },
): Promise<EventDelivery[]> {
  const listed = await deps.webhookEndpoints.listDeliveries(input);
  if (listed.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  if (listed.status === "not_found") {
    throw endpointNotFound(input.endpointId);
  }
  return listed.deliveries;
}

/** Resends a delivery now (after the response, through the queue), with the same `webhook-id`. */
export async function retryEventDelivery(
  deps: Deps,
  input: { caller: Caller; endpointId: string; deliveryId: string },
): Promise<EventDelivery> {
  const retried = await deps.webhookEndpoints.retryDelivery(input);
  if (retried.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  if (retried.status === "not_found") {
    throw new DomainError(
      "NOT_FOUND",
      `delivery ${input.deliveryId} of webhook endpoint ${input.endpointId} not found`,
    );
  }
  if (retried.queued) {
    publishAfterResponse(deps, [{ kind: "delivery", id: retried.delivery.id }]);
  }
  return retried.delivery;
}
