import type { Hono } from "hono";
import * as z from "zod/mini";
import { MAX_USAGE_DAYS } from "../../core/usage/usage-range";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute } from "../../openapi/route-spec";
import { getUsage } from "../../services/usage";

const UsageQuerySchema = z.object({
  from: z.optional(
    documented(z.string(), {
      description:
        "First UTC day, YYYY-MM-DD. Default: the first day of `to`'s month (of the current month).",
      example: "2026-11-01",
    }),
  ),
  to: z.optional(
    documented(z.string(), {
      description:
        "Last UTC day, inclusive. Default: the end of `from`'s month, or today in the current month.",
      example: "2026-11-30",
    }),
  ),
});

const count = (description: string) => documented(z.int(), { description });
const counters = {
  requests: count("Requests served (2xx), each counted once: replays of an Idempotency-Key are not counted."),
  fields_written: count("Values stored or cleared."),
  contacts_created: count("Contacts created (POST /api/public/contact)."),
  llm_calls: count("LLM calls made for this tenant (one at most per request)."),
  llm_prompt_tokens: count("Prompt tokens the provider reported for those calls."),
  llm_completion_tokens: count("Completion tokens the provider reported for those calls."),
};

const UsageSchema = documented(
  z.object({
    from: z.string(),
    to: z.string(),
    days: documented(
      z.array(z.object({ day: documented(z.string(), { example: "2026-11-25" }), ...counters })),
      {
        description: "The days of the range with any usage, oldest first (days without usage are left out).",
      },
    ),
    totals: z.object(counters),
    llm_budget: documented(
      z.object({
        month: documented(z.string(), { example: "2026-11" }),
        tokens: documented(z.nullable(z.int()), {
          description: "The monthly LLM token budget (prompt + completion); null: no cap.",
        }),
        used: count("Tokens spent this month so far."),
        spent: documented(z.boolean(), {
          description: "The budget is spent: requests still succeed, unmatched keys skip the LLM.",
        }),
      }),
      { description: "The current UTC month, whatever the range." },
    ),
  }),
  { id: "Usage" },
);

export const getUsageRoute = defineRoute({
  method: "get",
  path: "/api/public/usage",
  operationId: "getUsage",
  tags: ["Usage"],
  summary: "What the tenant used, per UTC day, and its LLM budget",
  description: `Counted in Postgres by the same statements that serve the requests (no extra round trip): requests served (2xx; reads count too, this one included, from the next read on), fields written, contacts created, LLM calls and their prompt and completion tokens, per tenant and UTC day. At most ${MAX_USAGE_DAYS} days per request; default: the current month. An LLM call is counted even when its request then failed (e.g. 404, 422) or was an Idempotency-Key retry.`,
  secured: true,
  query: UsageQuerySchema,
  responses: {
    200: { description: "The days, their totals and the month's LLM budget.", schema: UsageSchema },
    ...errorResponses("BAD_REQUEST"),
  },
});

export function registerGetUsage(app: Hono<HonoEnv>): void {
  app.get(getUsageRoute.path, apiKeyAuth(), valid("query", UsageQuerySchema), async (c) => {
    const { from, to } = c.req.valid("query");
    const usage = await getUsage(c.get("services"), {
      caller: c.get("caller"),
      requestId: c.get("requestId"),
      from,
      to,
    });
    return respond(c, getUsageRoute, 200, usage);
  });
}
