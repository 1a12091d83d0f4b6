import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { deleteCustomField } from "../../services/custom-fields";
import { DefinitionsVersionSchema, FieldKeyParamSchema } from "./schema";

const DeletedSchema = documented(
  z.object({ key: z.string(), deleted: z.literal(true), definitions_version: DefinitionsVersionSchema }),
  { id: "Deleted" },
);

export const deleteCustomFieldRoute = defineRoute({
  method: "delete",
  path: "/api/public/custom-fields/{key}",
  operationId: "deleteCustomField",
  tags: ["Custom fields"],
  summary: "Delete a custom field definition",
  description:
    "Removes the definition, its label and its aliases; values already stored on contacts are kept. A later request with that key creates the field again (as text).",
  secured: true,
  params: FieldKeyParamSchema,
  responses: {
    200: { description: "Deleted.", schema: DeletedSchema },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerDeleteCustomField(app: Hono<HonoEnv>): void {
  app.delete(
    honoPath(deleteCustomFieldRoute),
    apiKeyAuth(),
    valid("param", FieldKeyParamSchema),
    async (c) => {
      const deleted = await deleteCustomField(c.get("services"), {
        caller: c.get("caller"),
        requestId: c.get("requestId"),
        key: c.req.valid("param").key,
      });
      return respond(c, deleteCustomFieldRoute, 200, {
        key: deleted.key,
        deleted: deleted.deleted,
        definitions_version: deleted.version,
      });
    },
  );
}
