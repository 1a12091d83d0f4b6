import type { Context, Hono } from "hono";
import { type FieldDefinition, FieldDefinitionSchema } from "../../core/fields/definition";
import { toFieldKey } from "../../core/fields/field-key";
import type { HonoEnv } from "../../env";
import { ApiError, validate } from "../../errors";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { limitBody } from "../../middleware/limit-body";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { errorResponses } from "../openapi-errors";
import { readJsonText } from "../read-body";
import { FieldKeyParamSchema, PutFieldDefinitionBodySchema } from "./schema";
import { verifiedCaller } from "./verify-caller";

export const putCustomFieldRoute = defineRoute({
  method: "put",
  path: "/api/public/custom-fields/{key}",
  operationId: "putCustomField",
  tags: ["Custom fields"],
  summary: "Create or replace a custom field definition",
  description:
    "The definition is replaced whole (fields left out take their defaults). Its id is derived from the key, so it stays the same across replacements. A select field needs options.",
  secured: true,
  params: FieldKeyParamSchema,
  body: { content: { "application/json": PutFieldDefinitionBodySchema } },
  responses: {
    200: { description: "Replaced.", schema: FieldDefinitionSchema },
    201: { description: "Created.", schema: FieldDefinitionSchema },
    ...errorResponses,
  },
});

async function readJson(c: Context): Promise<unknown> {
  const text = await readJsonText(c);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("BAD_REQUEST", "body is not valid JSON");
  }
}

export function registerPutCustomField(app: Hono<HonoEnv>): void {
  app.put(honoPath(putCustomFieldRoute), limitBody(), apiKeyAuth(), async (c) => {
    const caller = await verifiedCaller(c);
    const sent = validate(FieldKeyParamSchema, c.req.param()).key;
    const body = validate(PutFieldDefinitionBodySchema, await readJson(c));
    const key = toFieldKey(sent);
    if (key === "") {
      throw new ApiError("BAD_REQUEST", "the field key converts to an empty key", { key: sent });
    }
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
    return c.json(definition, existing ? 200 : 201);
  });
}
