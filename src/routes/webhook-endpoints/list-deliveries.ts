import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { listEventDeliveries } from "../../services/webhook-endpoints";
import { DeliveriesQuerySchema, EventDeliverySchema, WebhookEndpointIdParamSchema } from "./schema";

const DEFAULT_LIMIT = 50;

export const listEventDeliveriesRoute = defineRoute({
  method: "get",
  path: "/api/public/webhook-endpoints/{id}/deliveries",
  operationId: "listWebhookEndpointDeliveries",
  tags: ["Webhook endpoints"],
  summary: "Recent deliveries to a webhook endpoint",
  description:
    "Newest first: each event sent (or being sent) to the endpoint, with its status, attempts, last response code and next retry. Query: `limit` (1-100, default 50; anything else is a 400).",
  secured: true,
  params: WebhookEndpointIdParamSchema,
  responses: {
    200: { description: "The deliveries.", schema: z.array(EventDeliverySchema) },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerListEventDeliveries(app: Hono<HonoEnv>): void {
  app.get(
    honoPath(listEventDeliveriesRoute),
    apiKeyAuth(),
    valid("param", WebhookEndpointIdParamSchema),
    valid("query", DeliveriesQuerySchema),
    async (c) => {
      const deliveries = await listEventDeliveries(c.get("services"), {
        caller: c.get("caller"),
        endpointId: c.req.valid("param").id,
        limit: c.req.valid("query").limit ?? DEFAULT_LIMIT,
      });
      return respond(c, listEventDeliveriesRoute, 200, deliveries);
    },
  );
}
