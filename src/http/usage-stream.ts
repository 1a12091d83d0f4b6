import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { writeUsagePoint } from "../adapters/analytics/usage-stream";
import type { HonoEnv } from "../env";
import { IDEMPOTENT_REPLAYED } from "./idempotency";

/**
 * After each request whose caller the database confirmed (the services record it in
 * `meter.usage`): one Analytics Engine data point. Requests refused before any statement (401,
 * 400, 429) have no confirmed tenant and send none, so a forged key cannot write to a tenant's
 * dashboard.
 */
export const usageStream = (): MiddlewareHandler<HonoEnv> => async (c, next) => {
  const started = Date.now();
  await next();
  const deps = c.get("services");
  const usage = deps?.meter.usage;
  if (!deps?.metering || !usage) {
    return;
  }
  const { llm } = deps.meter;
  try {
    writeUsagePoint(c.env.USAGE_EVENTS, {
      tenantId: usage.tenantId,
      operation: `${c.req.method} ${routePath(c, -1)}`,
      status: c.res.status,
      llmOutcome: llm.outcome,
      replayed: c.res.headers.has(IDEMPOTENT_REPLAYED),
      requests: usage.requests,
      fieldsWritten: usage.fieldsWritten,
      contactsCreated: usage.contactsCreated,
      llmCalls: llm.calls,
      promptTokens: llm.promptTokens,
      completionTokens: llm.completionTokens,
      durationMs: Date.now() - started,
    });
  } catch (err) {
    // The dashboard stream must never fail a request whose answer is ready.
    deps.log("usage_point_failed", err);
  }
};
