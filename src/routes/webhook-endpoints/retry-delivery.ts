import type { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { retryEventDelivery } from "../../services/webhook-endpoints";
import { DeliveryParamsSchema, EventDeliverySchema } from "./schema";

export const retryEventDeliveryRoute = defineRoute({
  method: "post",
  path: "/api/public/webhook-endpoints/{id}/deliveries/{deliveryId}/retry",
  operationId: "retryWebhookEndpointDelivery",
  tags: ["Webhook endpoints"],
  summary: "Resend a delivery now",
  description:
    "Failed, delivered or waiting: the delivery is attempted again at once, with the same webhook-id and body. A failed delivery gets one more attempt (its retry schedule is spent); one still within its schedule keeps the rest of it. One being sent right now is left to that attempt.",
  secured: true,
  params: DeliveryParamsSchema,
  responses: {
    202: { description: "Queued (or already being sent).", schema: EventDeliverySchema },
    ...errorResponses("NOT_FOUND"),
  },
});

export function registerRetryEventDelivery(app: Hono<HonoEnv>): void {
  app.post(
    honoPath(retryEventDeliveryRoute),
    apiKeyAuth(),
    valid("param", DeliveryParamsSchema),
    async (c) => {
      const { id, deliveryId } = c.req.valid("param");
      const delivery = await retryEventDelivery(c.get("services"), {
        caller: c.get("caller"),
        endpointId: id,
        deliveryId,
      });
      return respond(c, retryEventDeliveryRoute, 202, delivery);
    },
  );
}
