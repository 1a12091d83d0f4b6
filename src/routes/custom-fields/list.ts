import type { Hono } from "hono";
import * as z from "zod/mini";
import { FieldDefinitionSchema } from "../../core/fields/definition";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { defineRoute } from "../../openapi/route-spec";
import { errorResponses } from "../openapi-errors";
import { verifiedCaller } from "./verify-caller";

export const listCustomFieldsRoute = defineRoute({
  method: "get",
  path: "/api/public/custom-fields",
  operationId: "listCustomFields",
  tags: ["Custom fields"],
  summary: "List the tenant's custom field definitions",
  secured: true,
  responses: {
    200: { description: "All definitions, ordered by key.", schema: z.array(FieldDefinitionSchema) },
    ...errorResponses,
  },
});

export function registerListCustomFields(app: Hono<HonoEnv>): void {
  app.get(listCustomFieldsRoute.path, apiKeyAuth(), async (c) => {
    const caller = await verifiedCaller(c);
    const definitions = await c.get("services").fieldDefinitions.list(caller.tenantId);
    return c.json(
      [...definitions].sort((a, b) => a.key.localeCompare(b.key)),
      200,
    );
  });
}
