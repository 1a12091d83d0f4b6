import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { defineRoute } from "../../openapi/route-spec";
import { listWebhookEndpoints } from "../../services/webhook-endpoints";
import { WebhookEndpointSchema } from "./schema";

export const listWebhookEndpointsRoute = defineRoute({
  method: "get",
  path: "/api/public/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  tags: ["Webhook endpoints"],
  summary: "List the tenant's webhook endpoints",
  description: "Oldest first. Secrets are never listed. One round trip.",
  secured: true,
  responses: {
    200: { description: "The endpoints.", schema: z.array(WebhookEndpointSchema) },
    ...errorResponses(),
  },
});

export function registerListWebhookEndpoints(app: Hono<HonoEnv>): void {
  app.get(listWebhookEndpointsRoute.path, apiKeyAuth(), async (c) =>
    respond(
      c,
      listWebhookEndpointsRoute,
      200,
      await listWebhookEndpoints(c.get("services"), c.get("caller")),
    ),
  );
}
