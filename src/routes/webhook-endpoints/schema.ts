import * as z from "zod/mini";
import { CONTACT_EVENT_TYPES } from "../../core/events/event-types";
import { documented } from "../../openapi/documented";

const id = (description: string) =>
  documented(z.string(), { description, example: "0195f3c2-7b1e-7c3a-9d4e-2f6a8b0c1d2e" });

export const WebhookEndpointIdParamSchema = z.object({
  id: id("Id of the webhook endpoint. Another tenant's endpoint, or a malformed id, is a 404."),
});

export const DeliveryParamsSchema = z.object({
  id: id("Id of the webhook endpoint."),
  deliveryId: id("Id of the delivery, from the deliveries listing."),
});

export const DeliveriesQuerySchema = z.object({
  limit: z.optional(
    documented(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), {
      description: "How many of the newest deliveries (default 50).",
      example: 20,
    }),
  ),
});

const EventTypeSchema = documented(z.enum(CONTACT_EVENT_TYPES), { example: "contact.metadata_updated" });

export const CreateWebhookEndpointBodySchema = documented(
  z.strictObject({
    url: documented(z.string().check(z.minLength(1), z.maxLength(2048)), {
      description:
        "https, to a public address. Private, loopback and link-local addresses are refused; http to 127.0.0.1/localhost only under local config (npm run dev).",
      example: "https://hooks.example.com/contacts",
    }),
    events: z.optional(
      documented(z.array(EventTypeSchema).check(z.minLength(1), z.maxLength(CONTACT_EVENT_TYPES.length)), {
        description: "Event types to hear. Default: all of them.",
      }),
    ),
    fields: z.optional(
      documented(z.array(z.string().check(z.minLength(1), z.maxLength(255))).check(z.maxLength(100)), {
        description:
          "Field keys (converted to snake_case) to hear about: a contact.metadata_updated event is sent only if one of them changed, with only their changes. Default: every field. contact.created is always sent (to endpoints subscribed to it), its `changes` cut to these fields.",
        example: ["plan", "lead_score"],
      }),
    ),
    description: z.optional(documented(z.string().check(z.maxLength(500)), { example: "CRM sync" })),
  }),
  { id: "CreateWebhookEndpointBody" },
);

const webhookEndpointShape = {
  id: z.uuid(),
  url: z.string(),
  events: z.array(EventTypeSchema),
  fields: documented(z.nullable(z.array(z.string())), { description: "null: every field." }),
  description: z.nullable(z.string()),
  created_at: z.string(),
};

export const WebhookEndpointSchema = documented(z.object(webhookEndpointShape), { id: "WebhookEndpoint" });

export const CreatedWebhookEndpointSchema = documented(
  z.object({
    ...webhookEndpointShape,
    secret: documented(z.string(), {
      description:
        "Standard Webhooks signing secret. Shown only in this response: store it to verify the webhook-signature header.",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  }),
  { id: "CreatedWebhookEndpoint" },
);

const timestamp = documented(z.nullable(z.string()), { example: "2026-11-25T10:00:00.000Z" });

export const EventDeliverySchema = documented(
  z.object({
    id: z.uuid(),
    webhook_id: documented(z.string(), {
      description: "The webhook-id header of every attempt of this delivery (the same on resends).",
      example: "msg_0195f3c27b1e7c3a9d4e2f6a8b0c1d2e",
    }),
    event_id: z.uuid(),
    event_type: EventTypeSchema,
    contact_id: z.uuid(),
    status: documented(z.enum(["pending", "sending", "delivered", "failed"]), {
      description:
        "pending: waiting for its next attempt; sending: an attempt is under way; delivered: a 2xx answer; failed: a 4xx other than 408/429, or no success after the last retry (about 27 hours).",
    }),
    attempts: z.number(),
    last_response_code: documented(z.nullable(z.number()), { example: 503 }),
    last_error: documented(z.nullable(z.string()), {
      description: "When the last attempt got no answer: timeout, network, url_refused; endpoint_deleted.",
    }),
    last_attempt_at: timestamp,
    next_retry_at: timestamp,
    delivered_at: timestamp,
    failed_at: timestamp,
    created_at: z.string(),
  }),
  { id: "EventDelivery" },
);
