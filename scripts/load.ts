// `npm run load`: a bounded burst of metadata updates (autocannon) against a running `npm run dev`
// on 127.0.0.1, over fresh tenants and contacts seeded straight into its Postgres, then a check in
// Postgres that every acknowledged write is there and no refused one is. Not part of `npm test`.
import autocannon from "autocannon";
import { envInt } from "./lib/env-int";
import { type DevState, readJson } from "./lib/local-state";
import { connectPg, type PgSession } from "./lib/pg-query";
import {
  deleteTenants,
  type LoadTenant,
  newRunId,
  type PlannedRequest,
  planRequest,
  requestNumberOf,
  seedTenants,
} from "./load/plan";
import { acknowledgesPlan, type Verification, verifyRun } from "./load/verify";

const config = {
  port: envInt("PORT", 8787, 1),
  tenants: envInt("LOAD_TENANTS", 5, 1),
  contactsPerTenant: envInt("LOAD_CONTACTS", 20, 1),
  requests: envInt("LOAD_REQUESTS", 2000, 1),
  connections: envInt("LOAD_CONNECTIONS", 20, 1),
  maxSeconds: envInt("LOAD_MAX_SECONDS", 180, 1),
  timeoutSeconds: envInt("LOAD_TIMEOUT_SECONDS", 10, 1),
  keep: process.env.LOAD_KEEP === "1",
};
// The host is fixed: this script must never send traffic anywhere but the local dev server.
const BASE = `http://127.0.0.1:${config.port}`;
/** The API_KEY_RATE_LIMITER limit (wrangler.toml): past it a key gets 429s, which must write nothing. */
const RATE_LIMIT_PER_MINUTE = 600;

const progress = (message: string) => console.error(`load: ${message}`);

class Abort extends Error {}

async function requireDevServer(): Promise<DevState> {
  const state = readJson<DevState>("dev.json");
  if (!state) {
    throw new Abort("no .local/dev.json: start `npm run dev` first, then run `npm run load`");
  }
  try {
    const response = await fetch(`${BASE}/openapi.json`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) {
      throw new Abort(`${BASE}/openapi.json answered ${response.status}: is \`npm run dev\` healthy?`);
    }
  } catch (err) {
    if (err instanceof Abort) {
      throw err;
    }
    throw new Abort(
      `nothing answers at ${BASE}/openapi.json: start \`npm run dev\` (set PORT if it runs elsewhere)`,
    );
  }
  return state;
}

interface FireResult {
  result: autocannon.Result;
  sent: PlannedRequest[];
  /** Status of each answered request, by request number. */
  statuses: Map<number, number>;
  /** Refusals by status and error code, e.g. `429 RATE_LIMITED`. */
  refusals: Map<string, number>;
  /** The Worker's own LLM report per answer (`Server-Timing: llm;desc="calls=1 ok"`). */
  llm: Map<string, number>;
  /** Errors answered by the runtime (wrangler reloading, workerd), not the Worker's error handler. */
  unknownOutcome: Set<number>;
  /** Answers autocannon could not parse (no status); their requests count as unanswered. */
  garbled: number;
  /** 2xx answers that do not name the planned key, value and contact, or answer one request twice. */
  badAnswers: number;
  examples: string[];
}

function headerValue(headers: autocannon.Request["headers"], name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : "?";
  } catch {
    return "non-JSON";
  }
}

function llmOutcome(serverTiming: string | undefined): string {
  return serverTiming?.match(/(?:^|,)\s*llm;[^,]*desc="([^"]*)"/)?.[1] ?? "not reported";
}

const increment = (counts: Map<string, number>, label: string) =>
  counts.set(label, (counts.get(label) ?? 0) + 1);

function fire(runId: string, tenants: LoadTenant[]): Promise<FireResult> {
  const out: Omit<FireResult, "result"> = {
    sent: [],
    statuses: new Map(),
    refusals: new Map(),
    llm: new Map(),
    unknownOutcome: new Set(),
    garbled: 0,
    badAnswers: 0,
    examples: [],
  };
  const connections = Math.min(config.connections, config.requests);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: BASE,
        connections,
        // amount bounds the run: autocannon builds exactly one request per send, including the
        // replacement of one that timed out, so request numbers never exceed it.
        amount: config.requests,
        timeout: config.timeoutSeconds,
        headers: { "content-type": "application/json" },
        requests: [
          {
            method: "POST",
            setupRequest: (request, context) => {
              const plan = planRequest(runId, tenants, out.sent.length);
              out.sent.push(plan);
              // Fallback for attributing the answer if the server did not echo our request id.
              (context as { n?: number }).n = plan.n;
              return {
                ...request,
                method: "POST",
                path: `/api/public/contact/${plan.contactId}/update-metadata`,
                headers: { ...request.headers, "x-api-key": plan.apiKey, "x-request-id": plan.requestId },
                body: JSON.stringify({ [plan.sourceKey]: plan.value }),
              };
            },
            onResponse: (status, body, context, headers) => {
              // After a timeout autocannon reconnects but keeps its HTTP parser, which can then
              // report the next answer without a status line. That request's outcome is unknown:
              // leave it unanswered rather than call it refused.
              if (!Number.isInteger(status) || status < 100) {
                out.garbled++;
                return;
              }
              const n =
                requestNumberOf(runId, headerValue(headers, "x-request-id")) ?? (context as { n?: number }).n;
              const plan = n === undefined ? undefined : out.sent[n];
              if (n === undefined || !plan || out.statuses.has(n)) {
                out.badAnswers++;
                out.examples.push(`answer ${status} not attributable to one request (n=${n})`);
                return;
              }
              out.statuses.set(n, status);
              increment(out.llm, llmOutcome(headerValue(headers, "server-timing")));
              if (status >= 200 && status < 300) {
                if (!acknowledgesPlan(body, plan)) {
                  out.badAnswers++;
                  out.examples.push(`${plan.requestId}: ${status} answer does not match the plan: ${body}`);
                }
              } else {
                const code = errorCode(body);
                increment(out.refusals, `${status} ${code}`);
                // Only the API's own error body promises that nothing was written.
                if (code === "non-JSON") {
                  out.unknownOutcome.add(n);
                }
              }
            },
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => {
        clearTimeout(cap);
        process.off("SIGINT", interrupt);
        if (err) {
          reject(err);
          return;
        }
        resolve({ ...out, result });
      },
    );
    // A stopped run still verifies what it sent; requests cut off in flight count as unanswered.
    const cap = setTimeout(() => {
      progress(`time cap of ${config.maxSeconds} s reached, stopping`);
      instance.stop();
    }, config.maxSeconds * 1000);
    const interrupt = () => {
      progress("interrupted, stopping and verifying what was sent");
      instance.stop();
    };
    process.on("SIGINT", interrupt);
  });
}

function formatCounts(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, count]) => `${label}: ${count}`)
    .join(", ");
}

function report(fired: FireResult, verification: Verification, seconds: number): string[] {
  const { result, sent, statuses } = fired;
  const acknowledged = [...statuses.values()].filter((s) => s >= 200 && s < 300).length;
  const errors = new Map(fired.refusals);
  if (sent.length > statuses.size) {
    errors.set("no answer", sent.length - statuses.size);
  }
  if (result.timeouts > 0) {
    errors.set("timeouts", result.timeouts);
  }
  if (fired.garbled > 0) {
    errors.set("unparsed answers", fired.garbled);
  }
  if (result.errors - result.timeouts > 0) {
    errors.set("connection errors", result.errors - result.timeouts);
  }
  const rows: [string, string | number][] = [
    ["requests sent", sent.length],
    ["acknowledged (2xx)", acknowledged],
    ["errors by status", errors.size > 0 ? formatCounts(errors) : "none"],
    ["latency p50 / p99 / max", `${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms`],
    ["llm per answer (Server-Timing)", formatCounts(fired.llm)],
    ["throughput", `${(statuses.size / result.duration).toFixed(1)} answers/s over ${result.duration} s`],
    ["fields lost", verification.fieldsLost],
    ["phantom writes", verification.phantomWrites + verification.phantomActivities],
    ["stray rows", verification.strayRows],
    ["activity rows missing", verification.activityMissing],
    ["activity rows duplicated/wrong", verification.activityDuplicated + verification.activityWrong],
    ["answers not matching plan", fired.badAnswers],
    ["outcome unknown, wrote anyway", `${verification.unknownWritten} of ${verification.unknown}`],
    ["run time", `${seconds.toFixed(1)} s (seed + load + verify)`],
  ];
  return rows.map(([label, value]) => `${label.padEnd(31)} ${value}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const state = await requireDevServer();
  const { databaseUrl } = state;
  // The switch is the dev server's (METERING=off npm run dev): one number per setting, same load.
  const metering = state.metering ?? "on";
  let session: PgSession;
  try {
    session = await connectPg(databaseUrl, { connectionTimeoutMillis: 5000 });
  } catch {
    throw new Abort(`cannot reach the dev Postgres at ${databaseUrl}: is .local/dev.json stale?`);
  }
  const { query } = session;

  try {
    const runId = newRunId();
    const tenants = await seedTenants(query, runId, config.tenants, config.contactsPerTenant);
    const perKey = Math.ceil(config.requests / config.tenants);
    progress(
      `run ${runId}: ${config.requests} requests, ${config.connections} connections, ${config.tenants} tenants x ${config.contactsPerTenant} contacts, ${BASE}, metering ${metering} (METERING=off npm run dev to compare)`,
    );
    if (perKey > RATE_LIMIT_PER_MINUTE) {
      progress(`${perKey} requests per API key is past ${RATE_LIMIT_PER_MINUTE}/min: expect 429s`);
    }

    const fired = await fire(runId, tenants);
    const answered = fired.statuses.size;
    if (answered < fired.sent.length || fired.unknownOutcome.size > 0) {
      // A request cut off in flight may still commit; give it a moment so "outcome unknown, wrote anyway"
      // reflects what it did rather than when we looked.
      await new Promise((r) => setTimeout(r, 3000));
    }
    const verification = await verifyRun(query, tenants, fired.sent, fired.statuses, fired.unknownOutcome);
    const seconds = (performance.now() - started) / 1000;

    console.log(`load run ${runId} against ${BASE} (usage metering ${metering})`);
    for (const line of report(fired, verification, seconds)) {
      console.log(line);
    }
    for (const example of [...fired.examples.slice(0, 10), ...verification.examples]) {
      console.log(`  ${example}`);
    }

    const acknowledged = [...fired.statuses.values()].filter((s) => s >= 200 && s < 300).length;
    const broken =
      verification.fieldsLost +
      verification.phantomWrites +
      verification.phantomActivities +
      verification.strayRows +
      verification.activityMissing +
      verification.activityDuplicated +
      verification.activityWrong +
      fired.badAnswers;
    if (broken > 0 || acknowledged === 0) {
      console.log(
        acknowledged === 0
          ? "FAIL: nothing was acknowledged, so nothing was checked"
          : "FAIL: acknowledged writes were lost or refused ones were written",
      );
      console.log(`kept for inspection: tenants ${tenants.map((t) => t.tenantId).join(", ")}`);
      process.exitCode = 1;
    } else if (config.keep) {
      console.log(`OK (LOAD_KEEP=1: tenants kept: ${tenants.map((t) => t.tenantId).join(", ")})`);
    } else {
      await deleteTenants(query, tenants);
      console.log("OK (seeded tenants deleted; their KV definitions stay in wrangler's local state)");
    }
  } finally {
    await session.end();
  }
}

main().catch((err: unknown) => {
  console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = err instanceof Abort ? 2 : 1;
});
