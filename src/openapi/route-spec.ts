import type * as z from "zod/mini";

type Schema = z.ZodMiniType;

/**
 * One operation as data: the same zod schemas the handler validates with, plus what the OpenAPI
 * document needs. Handlers and the document read the same objects, so they cannot drift.
 */
export interface RouteSpec {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI style: `/api/public/contact/{aiContactId}/info`. */
  path: string;
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Omitted: the route needs no API key. */
  secured?: boolean;
  params?: z.ZodMiniObject;
  /** Query string parameters; an optional member is an optional parameter. */
  query?: z.ZodMiniObject;
  body?: { description?: string; content: Record<string, Schema> };
  responses: Record<number, { description: string; schema?: Schema }>;
}

export const defineRoute = <T extends RouteSpec>(spec: T): T => spec;

/** `/a/{b}` -> `/a/:b`, Hono's syntax. */
export const honoPath = (spec: RouteSpec): string => spec.path.replaceAll(/\{([^}]+)\}/g, ":$1");
