import * as z from "zod/mini";
import type { RouteSpec } from "./route-spec";

const SCHEMA_URI = (id: string) => `#/components/schemas/${id}`;

/** What the document says about itself, beside the operations. */
export interface DocumentMeta {
  info: {
    title: string;
    version: string;
    description: string;
    contact: { name: string; url?: string; email?: string };
    license: { name: string; identifier?: string; url?: string };
  };
  servers: { url: string; description: string }[];
  /** Every tag an operation uses, described once (in this order in the docs). */
  tags: { name: string; description: string }[];
}

/**
 * Builds the OpenAPI 3.1 document from the route specs. Schemas registered with an `id` in
 * zod's global registry become components and are referenced, so the error body appears once.
 */
export function buildOpenApiDocument(routes: readonly RouteSpec[], meta: DocumentMeta): object {
  // A tag without a top-level entry renders with no description and fails Spectral's
  // operation-tag-defined: refuse it at build time rather than ship it.
  const declared = new Set(meta.tags.map((tag) => tag.name));
  for (const route of routes) {
    const missing = route.tags.filter((tag) => !declared.has(tag));
    if (missing.length > 0) {
      throw new Error(
        `${route.operationId} uses undeclared tags: ${missing.join(", ")} (add them to the document's tags)`,
      );
    }
  }
  const components: Record<string, object> = {};
  /**
   * A schema in document form: registered ids become shared components, referenced by $ref.
   * Requests are described as a client may send them (`input`: a property with a default is
   * optional), responses as we send them (`output`).
   */
  const json = (schema: z.ZodMiniType, io: "input" | "output" = "output"): object => {
    const {
      $schema: _,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      unrepresentable: "any",
      io,
    }) as { $schema?: string; $defs?: Record<string, object> };
    Object.assign(components, $defs);
    return rest;
  };

  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const parameters = Object.entries(route.params?.def.shape ?? {}).map(([name, schema]) => {
      const { description, example, ...rest } = json(schema as z.ZodMiniType, "input") as {
        description?: string;
        example?: unknown;
      };
      return { name, in: "path", required: true, description, example, schema: rest };
    });
    for (const [where, shape] of [
      ["query", route.query?.def.shape ?? {}],
      ["header", route.headers?.def.shape ?? {}],
    ] as const) {
      for (const [name, schema] of Object.entries(shape)) {
        const optional = (schema as z.ZodMiniType)._zod.optin === "optional";
        const { description, example, ...rest } = json(schema as z.ZodMiniType, "input") as {
          description?: string;
          example?: unknown;
        };
        parameters.push({ name, in: where, required: !optional, description, example, schema: rest });
      }
    }
    const operation = {
      operationId: route.operationId,
      tags: route.tags,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      // An operation without an API key says so with an empty list: its credential, if any, is
      // not one OpenAPI can name (the webhook's is the token in its path; see the Webhooks tag).
      security: route.secured ? [{ ApiKey: [] }, { Bearer: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              ...(route.body.description ? { description: route.body.description } : {}),
              content: Object.fromEntries(
                Object.entries(route.body.content).map(([type, schema]) => [
                  type,
                  { schema: json(schema, "input") },
                ]),
              ),
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.headers
              ? {
                  headers: Object.fromEntries(
                    Object.entries(response.headers).map(([name, header]) => [
                      name,
                      { description: header.description, schema: json(header.schema) },
                    ]),
                  ),
                }
              : {}),
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
    info: meta.info,
    servers: meta.servers,
    tags: meta.tags,
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
