import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod/mini";
import type { HonoEnv } from "../env";
import type { RouteSpec } from "../openapi/route-spec";
import { ApiError } from "./api-error";

/**
 * Answers with a route's declared response. Where responses are checked (`CHECK_RESPONSES=true`:
 * every test project sets it), a body that does not match the schema the OpenAPI document shows is
 * our bug: a 500 that says so, in the test that produced it, instead of a client finding out.
 * `npm run dev` and production leave it off: a person trying the API gets the answer.
 */
export function respond<S extends RouteSpec, Status extends keyof S["responses"] & ContentfulStatusCode>(
  c: Context<HonoEnv>,
  spec: S,
  status: Status,
  body: unknown,
  headers?: Record<string, string>,
): Response {
  const schema = spec.responses[status]?.schema;
  if (c.get("checkResponses") && schema) {
    const checked = z.safeParse(schema, body);
    if (!checked.success) {
      console.error(
        JSON.stringify({
          request_id: c.get("requestId"),
          event: "response_does_not_match_schema",
          operation: spec.operationId,
          issues: checked.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        }),
      );
      throw new ApiError(
        "INTERNAL_SERVER_ERROR",
        `response of ${spec.operationId} does not match its schema`,
      );
    }
  }
  return c.json(body, status, headers);
}
