import * as z from "zod/mini";
import type { RouteSpec } from "./route-spec";

const SCHEMA_URI = (id: string) => `#/components/schemas/${id}`;

/**
 * Builds the OpenAPI 3.1 document from the route specs. Schemas registered with an `id` in
 * zod's global registry become components and are referenced, so the error body appears once.
 */
export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  info: { title: string; version: string; description: string },
): object {
  const components: Record<string, object> = {};
  /** A schema in document form: registered ids become shared components, referenced by $ref. */
  const json = (schema: z.ZodMiniType): object => {
    const {
      $schema: _,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      unrepresentable: "any",
    }) as { $schema?: string; $defs?: Record<string, object> };
    Object.assign(components, $defs);
    return rest;
  };

  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const parameters = Object.entries(route.params?.def.shape ?? {}).map(([name, schema]) => {
      const { description, example, ...rest } = json(schema as z.ZodMiniType) as {
        description?: string;
        example?: unknown;
      };
      return { name, in: "path", required: true, description, example, schema: rest };
    });
    for (const [name, schema] of Object.entries(route.query?.def.shape ?? {})) {
      const { description, example, ...rest } = json(schema as z.ZodMiniType) as {
        description?: string;
        example?: unknown;
      };
      const required = (schema as z.ZodMiniType)._zod.optin !== "optional";
      parameters.push({ name, in: "query", required, description, example, schema: rest });
    }
    const operation = {
      operationId: route.operationId,
      tags: route.tags,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.secured ? { security: [{ ApiKey: [] }, { Bearer: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              ...(route.body.description ? { description: route.body.description } : {}),
              content: Object.fromEntries(
                Object.entries(route.body.content).map(([type, schema]) => [type, { schema: json(schema) }]),
              ),
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { "application/json": { schema: json(response.schema) } } }
              : {}),
          },
        ]),
      ),
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }

  // zod writes local `#/$defs/X` refs; in the document the components live elsewhere.
  const relink = (value: object) =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', `"${SCHEMA_URI("")}`));
  return relink({
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        ApiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        Bearer: { type: "http", scheme: "bearer" },
      },
    },
  });
}
