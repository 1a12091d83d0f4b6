import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses, IDEMPOTENCY_ERRORS } from "../../http/error-responses";
import { IdempotencyHeadersSchema, idempotency, REPLAYED_HEADER } from "../../http/idempotency";
import { limitBody } from "../../http/limit-body";
import { respond } from "../../http/respond";
import { jsonBody, valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { putCustomField } from "../../services/custom-fields";
import {
  CustomFieldSchema,
  DefinitionsVersionSchema,
  FieldKeyParamSchema,
  PutFieldDefinitionBodySchema,
} from "./schema";

const PutResultSchema = documented(
  z.extend(CustomFieldSchema, { definitions_version: DefinitionsVersionSchema }),
  {
    id: "CustomFieldWritten",
  },
);

export const putCustomFieldRoute = defineRoute({
  method: "put",
  path: "/api/public/custom-fields/{key}",
  operationId: "putCustomField",
  tags: ["Custom fields"],
  summary: "Create or replace a custom field definition",
  description:
    "One statement on the ledger. The definition is replaced whole (fields left out take their defaults). Its id is derived from the key, so it stays the same across replacements. A select field needs options. A name (key, label or alias) that another definition owns is a 409; a new definition past the tenant's limit a 422. A PUT is idempotent by itself (the same body twice leaves the same definition), but with an Idempotency-Key a retry also gets the first answer back (201 when it created the field, where a plain repeat says 200) and a key reused with another body is caught (422).",
  secured: true,
  params: FieldKeyParamSchema,
  headers: IdempotencyHeadersSchema,
  body: { content: { "application/json": PutFieldDefinitionBodySchema } },
  responses: {
    200: { description: "Replaced.", schema: PutResultSchema, headers: REPLAYED_HEADER },
    201: { description: "Created.", schema: PutResultSchema, headers: REPLAYED_HEADER },
    ...errorResponses(
      ...BODY_ERRORS,
      "NOT_FOUND",
      "CONFLICT",
      "DEFINITION_LIMIT_EXCEEDED",
      ...IDEMPOTENCY_ERRORS,
    ),
  },
});

export function registerPutCustomField(app: Hono<HonoEnv>): void {
  app.put(
    honoPath(putCustomFieldRoute),
    limitBody(),
    apiKeyAuth(),
    valid("param", FieldKeyParamSchema),
    idempotency(),
    async (c) => {
      const { data } = await jsonBody(c, PutFieldDefinitionBodySchema);
      const put = await putCustomField(c.get("services"), {
        caller: c.get("caller"),
        requestId: c.get("requestId"),
        key: c.req.valid("param").key,
        body: data,
        idempotency: c.get("idempotency"),
      });
      const body = { ...put.definition, definitions_version: put.version };
      return put.created
        ? respond(c, putCustomFieldRoute, 201, body)
        : respond(c, putCustomFieldRoute, 200, body);
    },
  );
}
