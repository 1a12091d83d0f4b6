import type { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses, IDEMPOTENCY_ERRORS } from "../../http/error-responses";
import { IdempotencyHeadersSchema, idempotency, REPLAYED_HEADER } from "../../http/idempotency";
import { limitBody } from "../../http/limit-body";
import { respond } from "../../http/respond";
import { jsonBody } from "../../http/validate";
import { defineRoute } from "../../openapi/route-spec";
import { createWebhookEndpoint } from "../../services/webhook-endpoints";
import { CreatedWebhookEndpointSchema, CreateWebhookEndpointBodySchema } from "./schema";

export const createWebhookEndpointRoute = defineRoute({
  method: "post",
  path: "/api/public/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  tags: ["Webhook endpoints"],
  summary: "Register a URL to receive contact change events",
  description:
    'Every committed change then reaches the URL as a Standard Webhooks POST: `{"type", "timestamp", "data": {"contact_id", "sequence", "changes": [{key, old_value, new_value}], "actor", "request_id"}}` (contact.created adds `data.contact`, and its `changes` are the metadata the contact was created with) with webhook-id, webhook-timestamp and webhook-signature headers. Failed deliveries (5xx, 408, 429, timeouts) are retried for about 27 hours with the same webhook-id; another 4xx fails at once. An endpoint hears events committed after it was registered; a tenant may have 20. The URL must be https to a public address (checked again before every attempt). Unknown body properties are refused. Send an Idempotency-Key to retry safely: a retry gets the first answer (the same endpoint and secret) instead of registering the URL twice.',
  secured: true,
  headers: IdempotencyHeadersSchema,
  body: { content: { "application/json": CreateWebhookEndpointBodySchema } },
  responses: {
    201: {
      description: "Registered; the secret is shown only here (and in a replay of this answer).",
      schema: CreatedWebhookEndpointSchema,
      headers: REPLAYED_HEADER,
    },
    ...errorResponses(...BODY_ERRORS, ...IDEMPOTENCY_ERRORS),
  },
});

export function registerCreateWebhookEndpoint(app: Hono<HonoEnv>): void {
  app.post(createWebhookEndpointRoute.path, limitBody(), apiKeyAuth(), idempotency(), async (c) => {
    const { data } = await jsonBody(c, CreateWebhookEndpointBodySchema);
    const endpoint = await createWebhookEndpoint(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      idempotency: c.get("idempotency"),
      ...data,
    });
    return respond(c, createWebhookEndpointRoute, 201, endpoint);
  });
}
