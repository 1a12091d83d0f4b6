import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { toFieldKey } from "../../core/fields/field-key";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { apiKeySecurity, errorResponses } from "../openapi-errors";
import { FieldKeyParamSchema } from "./schema";
import { verifiedCaller } from "./verify-caller";

const route = createRoute({
  method: "delete",
  path: "/api/public/custom-fields/{key}",
  operationId: "deleteCustomField",
  tags: ["Custom fields"],
  summary: "Delete a custom field definition",
  description:
    "Removes the definition only: values already stored on contacts are kept. A later request with that key creates the field again.",
  security: apiKeySecurity,
  middleware: [apiKeyAuth()] as const,
  request: { params: FieldKeyParamSchema },
  responses: {
    200: {
      description: "Deleted.",
      content: {
        "application/json": {
          schema: z.object({ key: z.string(), deleted: z.literal(true) }).openapi("Deleted"),
        },
      },
    },
    ...errorResponses,
  },
});

export function registerDeleteCustomField(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const caller = await verifiedCaller(c);
    const key = toFieldKey(c.req.valid("param").key);
    if (!(await c.get("services").fieldDefinitions.remove(caller.tenantId, key))) {
      throw new ApiError("NOT_FOUND", `custom field "${key}" not found`);
    }
    return c.json({ key, deleted: true as const }, 200);
  });
}
