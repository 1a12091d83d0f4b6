import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { deleteWebhookEndpoint } from "../../services/webhook-endpoints";
import { WebhookEndpointIdParamSchema } from "./schema";

const DeletedEndpointSchema = documented(z.object({ id: z.string(), deleted: z.literal(true) }), {
  id: "DeletedWebhookEndpoint",
});

export const deleteWebhookEndpointRoute = defineRoute({
  method: "delete",
  path: "/api/public/webhook-endpoints/{id}",
  operationId: "deleteWebhookEndpoint",
  tags: ["Webhook endpoints"],
  summary: "Delete a webhook endpoint",
  description:
    "It hears nothing more; its deliveries not yet made are given up (failed, `endpoint_deleted`), and its deliveries are no longer listed.",
  secured: true,
  params: WebhookEndpointIdParamSchema,
  responses: {
    200: { description: "Deleted.", schema: DeletedEndpointSchema },
    ...errorResponses("NOT_FOUND"),
  },
});

export function registerDeleteWebhookEndpoint(app: Hono<HonoEnv>): void {
  app.delete(
    honoPath(deleteWebhookEndpointRoute),
    apiKeyAuth(),
    valid("param", WebhookEndpointIdParamSchema),
    async (c) => {
      const deleted = await deleteWebhookEndpoint(c.get("services"), {
        caller: c.get("caller"),
        id: c.req.valid("param").id,
      });
      return respond(c, deleteWebhookEndpointRoute, 200, deleted);
    },
  );
}
