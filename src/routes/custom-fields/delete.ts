import type { Hono } from "hono";
import * as z from "zod/mini";
import { toFieldKey } from "../../core/fields/field-key";
import type { HonoEnv } from "../../env";
import { ApiError, validate } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { errorResponses } from "../openapi-errors";
import { FieldKeyParamSchema } from "./schema";
import { verifiedCaller } from "./verify-caller";

const DeletedSchema = documented(z.object({ key: z.string(), deleted: z.literal(true) }), { id: "Deleted" });

export const deleteCustomFieldRoute = defineRoute({
  method: "delete",
  path: "/api/public/custom-fields/{key}",
  operationId: "deleteCustomField",
  tags: ["Custom fields"],
  summary: "Delete a custom field definition",
  description:
    "Removes the definition only: values already stored on contacts are kept. A later request with that key creates the field again.",
  secured: true,
  params: FieldKeyParamSchema,
  responses: { 200: { description: "Deleted.", schema: DeletedSchema }, ...errorResponses },
});

export function registerDeleteCustomField(app: Hono<HonoEnv>): void {
  app.delete(honoPath(deleteCustomFieldRoute), apiKeyAuth(), async (c) => {
    const caller = await verifiedCaller(c);
    const key = toFieldKey(validate(FieldKeyParamSchema, c.req.param()).key);
    if (!(await c.get("services").fieldDefinitions.remove(caller.tenantId, key))) {
      throw new ApiError("NOT_FOUND", `custom field "${key}" not found`);
    }
    return c.json({ key, deleted: true as const }, 200);
  });
}
