import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { listCustomFields } from "../../services/custom-fields";
import { CustomFieldSchema, DefinitionsVersionSchema } from "./schema";

const CustomFieldListSchema = documented(
  z.object({
    data: documented(z.array(CustomFieldSchema), { description: "Every live definition, ordered by key." }),
    count: documented(z.int(), { description: "How many definitions the tenant has." }),
    limit: documented(z.int(), {
      description: "The tenant's definition limit: a request that would pass it is refused with 422.",
    }),
    version: DefinitionsVersionSchema,
  }),
  { id: "CustomFieldList" },
);

export const listCustomFieldsRoute = defineRoute({
  method: "get",
  path: "/api/public/custom-fields",
  operationId: "listCustomFields",
  tags: ["Custom fields"],
  summary: "List the tenant's custom field definitions",
  description:
    "From the ledger in Postgres, with each alias's provenance, the count and the limit. One round trip.",
  secured: true,
  responses: { 200: { description: "The definitions.", schema: CustomFieldListSchema }, ...errorResponses() },
});

export function registerListCustomFields(app: Hono<HonoEnv>): void {
  app.get(listCustomFieldsRoute.path, apiKeyAuth(), async (c) =>
    respond(
      c,
      listCustomFieldsRoute,
      200,
      await listCustomFields(c.get("services"), { caller: c.get("caller"), requestId: c.get("requestId") }),
    ),
  );
}
