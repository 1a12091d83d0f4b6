import type { Context } from "hono";
import { setMetric } from "hono/timing";
import type { LlmCallReport } from "../../core/matching/llm-port";
import type { UpdateMetadataDeps } from "../../core/metadata/update-contact-metadata";
import type { HonoEnv } from "../../env";

/**
 * Runs an update with the request's services and puts its LLM calls into `Server-Timing`
 * (`llm;dur=412.0;desc="calls=1 ok"`), also when it fails, so callers and the benchmark can see
 * what a request cost. A request that needed no LLM says `calls=0`.
 */
export async function withLlmTiming<T>(
  c: Context<HonoEnv>,
  run: (deps: UpdateMetadataDeps) => Promise<T>,
): Promise<T> {
  let report: LlmCallReport = { calls: 0, durationMs: 0, outcome: "ok" };
  try {
    return await run({ ...c.get("services"), onLlmCall: (r) => (report = r) });
  } finally {
    const outcome = report.calls === 0 && report.outcome === "ok" ? "" : ` ${report.outcome}`;
    setMetric(c, "llm", report.durationMs, `calls=${report.calls}${outcome}`);
  }
}
