import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { FieldDefinitionSchema } from "../../core/fields/definition";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { apiKeySecurity, errorResponses } from "../openapi-errors";
import { verifiedCaller } from "./verify-caller";

const route = createRoute({
  method: "get",
  path: "/api/public/custom-fields",
  operationId: "listCustomFields",
  tags: ["Custom fields"],
  summary: "List the tenant's custom field definitions",
  security: apiKeySecurity,
  middleware: [apiKeyAuth()] as const,
  responses: {
    200: {
      description: "All definitions, ordered by key.",
      content: { "application/json": { schema: z.array(FieldDefinitionSchema) } },
    },
    ...errorResponses,
  },
});

export function registerListCustomFields(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const caller = await verifiedCaller(c);
    const definitions = await c.get("services").fieldDefinitions.list(caller.tenantId);
    return c.json(
      [...definitions].sort((a, b) => a.key.localeCompare(b.key)),
      200,
    );
  });
}
