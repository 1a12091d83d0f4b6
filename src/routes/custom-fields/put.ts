import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { type FieldDefinition, FieldDefinitionSchema } from "../../core/fields/definition";
import { toFieldKey } from "../../core/fields/field-key";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { apiKeySecurity, errorResponses } from "../openapi-errors";
import { FieldKeyParamSchema, PutFieldDefinitionBodySchema } from "./schema";
import { verifiedCaller } from "./verify-caller";

const route = createRoute({
  method: "put",
  path: "/api/public/custom-fields/{key}",
  operationId: "putCustomField",
  tags: ["Custom fields"],
  summary: "Create or replace a custom field definition",
  description:
    "The definition is replaced whole (fields left out take their defaults). Its id is derived from the key, so it stays the same across replacements. A select field needs options.",
  security: apiKeySecurity,
  middleware: [limitBody(), apiKeyAuth()] as const,
  request: {
    params: FieldKeyParamSchema,
    body: { required: true, content: { "application/json": { schema: PutFieldDefinitionBodySchema } } },
  },
  responses: {
    200: { description: "Replaced.", content: { "application/json": { schema: FieldDefinitionSchema } } },
    201: { description: "Created.", content: { "application/json": { schema: FieldDefinitionSchema } } },
    ...errorResponses,
  },
});

export function registerPutCustomField(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const caller = await verifiedCaller(c);
    const key = toFieldKey(c.req.valid("param").key);
    if (key === "") {
      throw new ApiError("BAD_REQUEST", "the field key converts to an empty key", {
        key: c.req.valid("param").key,
      });
    }
    const body = c.req.valid("json");
    if (body.type === "select" && (body.options?.length ?? 0) === 0) {
      throw new ApiError("BAD_REQUEST", "a select field needs at least one option");
    }
    const { fieldDefinitions, definitionIdFor, now } = c.get("services");
    const existing = (await fieldDefinitions.list(caller.tenantId)).find((d) => d.key === key);
    const timestamp = now().toISOString();
    const aliases = [...new Set(body.aliases.map(toFieldKey).filter((a) => a !== "" && a !== key))];
    const definition: FieldDefinition = {
      id: await definitionIdFor(caller.tenantId, key),
      key,
      label: body.label ?? key,
      type: body.type,
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.options === undefined ? {} : { options: body.options }),
      aliases,
      created_at: existing?.created_at ?? timestamp,
      updated_at: timestamp,
    };
    await fieldDefinitions.put(caller.tenantId, definition);
    return existing ? c.json(definition, 200) : c.json(definition, 201);
  });
}
