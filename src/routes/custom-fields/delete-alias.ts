import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { unlearnAlias } from "../../services/custom-fields";
import { AliasParamSchema, DefinitionsVersionSchema } from "./schema";

const AliasDeletedSchema = documented(
  z.object({
    key: z.string(),
    alias: z.string(),
    deleted: z.literal(true),
    definitions_version: DefinitionsVersionSchema,
  }),
  { id: "AliasDeleted" },
);

export const deleteAliasRoute = defineRoute({
  method: "delete",
  path: "/api/public/custom-fields/{key}/aliases/{alias}",
  operationId: "deleteCustomFieldAlias",
  tags: ["Custom fields"],
  summary: "Un-learn an alias of a custom field",
  description:
    "Removes one alias (learned by the LLM or set by an admin). The next request with that key goes through matching again (and may cost an LLM call). 404 when the field has no such alias.",
  secured: true,
  params: AliasParamSchema,
  responses: {
    200: { description: "Un-learned.", schema: AliasDeletedSchema },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerDeleteAlias(app: Hono<HonoEnv>): void {
  app.delete(honoPath(deleteAliasRoute), apiKeyAuth(), valid("param", AliasParamSchema), async (c) => {
    const params = c.req.valid("param");
    const removed = await unlearnAlias(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      key: params.key,
      alias: params.alias,
    });
    return respond(c, deleteAliasRoute, 200, {
      key: removed.key,
      alias: removed.alias,
      deleted: removed.deleted,
      definitions_version: removed.version,
    });
  });
}
