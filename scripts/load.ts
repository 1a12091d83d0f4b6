// `npm run load`: a bounded burst (autocannon) over every route of the API against a running
// `npm run dev` on 127.0.0.1, over fresh tenants seeded for it, then a check in Postgres that every
// acknowledged write is there and no refused one is, and of every answer against the OpenAPI
// document and the plan. Not part of `npm test`.
import autocannon from "autocannon";
import { percentile } from "./bench/stats";
import { OPERATIONS } from "./lib/documented-answers";
import { envInt } from "./lib/env-int";
import { type DevState, readJson } from "./lib/local-state";
import { connectPg, type PgSession, type Query } from "./lib/pg-query";
import { checkAnswer } from "./load/answers";
import { OPERATION_IDS } from "./load/mix";
import { newRunId, type PlannedRequest, planRequest, requestNumberOf } from "./load/plan";
import { deleteTenants, poll, SeedError, type Seeded, seedNeeds, seedWorld } from "./load/seed";
import { judgeRun, readSnapshot, type Verification } from "./load/verify";

const config = {
  port: envInt("PORT", 8787, 1),
  tenants: envInt("LOAD_TENANTS", 5, 1),
  contactsPerTenant: envInt("LOAD_CONTACTS", 20, 1),
  requests: envInt("LOAD_REQUESTS", 2000, 1),
  connections: envInt("LOAD_CONNECTIONS", 20, 1),
  // With seeding, the settling of deliveries and the verification, a default run stays within 3 minutes.
  maxSeconds: envInt("LOAD_MAX_SECONDS", 150, 1),
  timeoutSeconds: envInt("LOAD_TIMEOUT_SECONDS", 10, 1),
  keep: process.env.LOAD_KEEP === "1",
};
// The host is fixed: this script must never send traffic anywhere but the local dev server.
const BASE = `http://127.0.0.1:${config.port}`;
/**
 * The API_KEY_RATE_LIMITER limit (wrangler.toml), per API key and per webhook URL: past it a
 * credential gets 429s, which must write nothing.
 */
const RATE_LIMIT_PER_MINUTE = 600;
/** The static pages beside the API: each is fetched once, before the burst. */
const STATIC_PAGES = ["/openapi.json", "/docs"];
/** How long retried deliveries may take to reach the load's receiver after the burst. */
const DELIVERIES_SETTLE_MS = 15_000;

const progress = (message: string) => console.error(`load: ${message}`);

class Abort extends Error {}

/** The dev server's state, and the status of each static page (fetched once each). */
async function requireDevServer(): Promise<{ state: DevState; pages: Map<string, number> }> {
  const state = readJson<DevState>("dev.json");
  if (!state) {
    throw new Abort("no .local/dev.json: start `npm run dev` first, then run `npm run load`");
  }
  const pages = new Map<string, number>();
  for (const page of STATIC_PAGES) {
    try {
      const response = await fetch(`${BASE}${page}`, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      pages.set(page, response.status);
    } catch {
      throw new Abort(
        `nothing answers at ${BASE}${page}: start \`npm run dev\` (set PORT if it runs elsewhere)`,
      );
    }
  }
  if (pages.get("/openapi.json") !== 200) {
    throw new Abort(
      `${BASE}/openapi.json answered ${pages.get("/openapi.json")}: is \`npm run dev\` healthy?`,
    );
  }
  return { state, pages };
}

interface FireResult {
  result: autocannon.Result;
  sent: PlannedRequest[];
  /** Status of each answered request, by request number. */
  statuses: Map<number, number>;
  /** Milliseconds from building each answered request to its answer. */
  latencies: Map<number, number>;
  /** `429 RATE_LIMITED` and the like for each request answered with an error, `(planned)` when it was. */
  refusals: Map<number, string>;
  /** The id each answer gave the contact or endpoint its request created. */
  created: Map<number, string>;
  /** The Worker's own LLM report per answer (`Server-Timing: llm;desc="calls=1 ok"`). */
  llm: Map<string, number>;
  /** Errors answered by the runtime (wrangler reloading, workerd), not the Worker's error handler. */
  unknownOutcome: Set<number>;
  /** Answers autocannon could not parse (no status); their requests count as unanswered. */
  garbled: number;
  /** Answers that break their documentation or the plan, or answer one request twice. */
  badAnswers: number;
  examples: string[];
}

function headerValue(headers: autocannon.Request["headers"], name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function errorCode(body: unknown): string {
  if (body === undefined) {
    return "non-JSON";
  }
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === "string" ? code : "?";
}

function llmOutcome(serverTiming: string | undefined): string {
  return serverTiming?.match(/(?:^|,)\s*llm;[^,]*desc="([^"]*)"/)?.[1] ?? "not reported";
}

const increment = <K>(counts: Map<K, number>, label: K) => counts.set(label, (counts.get(label) ?? 0) + 1);

function fire(runId: string, plans: readonly PlannedRequest[]): Promise<FireResult> {
  const out: Omit<FireResult, "result"> = {
    sent: [],
    statuses: new Map(),
    latencies: new Map(),
    refusals: new Map(),
    created: new Map(),
    llm: new Map(),
    unknownOutcome: new Set(),
    garbled: 0,
    badAnswers: 0,
    examples: [],
  };
  const sentAt = new Map<number, number>();
  const bad = (example: string) => {
    out.badAnswers++;
    out.examples.push(example);
  };
  const connections = Math.min(config.connections, plans.length);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: BASE,
        connections,
        // amount bounds the run: autocannon builds exactly one request per send, including the
        // replacement of one that timed out, so request numbers never exceed it.
        amount: plans.length,
        timeout: config.timeoutSeconds,
        requests: [
          {
            setupRequest: (request, context) => {
              const plan = plans[out.sent.length];
              if (!plan) {
                throw new Error(`autocannon asked for request ${out.sent.length} of ${plans.length}`);
              }
              out.sent.push(plan);
              sentAt.set(plan.n, performance.now());
              // Fallback for attributing the answer if the server did not echo our request id.
              (context as { n?: number }).n = plan.n;
              return {
                ...request,
                method: plan.method,
                path: plan.path,
                headers: { ...plan.headers, "x-request-id": plan.requestId },
                ...(plan.body === undefined ? {} : { body: plan.body }),
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
                bad(`answer ${status} not attributable to one request (n=${n})`);
                return;
              }
              out.statuses.set(n, status);
              out.latencies.set(n, performance.now() - (sentAt.get(n) ?? Number.NaN));
              increment(out.llm, llmOutcome(headerValue(headers, "server-timing")));
              const parsed = parseJson(body);
              if (status >= 300) {
                const code = errorCode(parsed);
                out.refusals.set(n, `${status} ${code}${status === plan.status ? " (planned)" : ""}`);
                // Only the API's own error body promises that nothing was written; a runtime's
                // error page is no answer of the API, so it is not held to the document either.
                if (code === "non-JSON") {
                  out.unknownOutcome.add(n);
                  return;
                }
              }
              const checked = checkAnswer(plan, status, parsed);
              if (checked.created !== undefined) {
                out.created.set(n, checked.created);
              }
              if (checked.problems.length > 0) {
                bad(
                  `${plan.requestId} (${plan.case}): ${checked.problems.join("; ")}: ${body.slice(0, 300)}`,
                );
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

/** Per route: requests sent, 2xx answers, latency percentiles, and refusals by status and code. */
function routeTable(fired: FireResult): string[] {
  const rows = OPERATIONS.map((operation) => {
    const sent = fired.sent.filter((r) => r.operation === operation.operationId);
    const ms = sent.flatMap((r) => fired.latencies.get(r.n) ?? []);
    const ok = sent.filter((r) => {
      const status = fired.statuses.get(r.n);
      return status !== undefined && status < 300;
    });
    const refused = new Map<string, number>();
    for (const r of sent) {
      const refusal = fired.refusals.get(r.n) ?? (fired.statuses.has(r.n) ? undefined : "no answer");
      if (refusal) {
        increment(refused, refusal);
      }
    }
    const at = (p: number) => (ms.length > 0 ? percentile(ms, p).toFixed(0) : "-");
    return [
      `${operation.method} ${operation.template}`,
      String(sent.length),
      String(ok.length),
      at(50),
      at(99),
      refused.size > 0 ? formatCounts(refused) : "-",
    ];
  });
  const header = ["route", "sent", "2xx", "p50 ms", "p99 ms", "refused (status code: count)"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((cells) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}

interface ReceiverCheck {
  received: number;
  unverified: number;
}

/**
 * What the load's receiver got at the hooks: the seeder's delivery and the resends the retry route
 * queued. Waits for the events Worker to finish them first (none pending or being sent).
 */
async function checkReceiver(query: Query, seeded: Seeded): Promise<ReceiverCheck> {
  const hooks = seeded.world.tenants.map((t) => t.hook.endpointId);
  await poll(async () => {
    const [open] = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM event_deliveries WHERE endpoint_id = ANY($1::uuid[]) AND status IN ('pending', 'sending')",
      [hooks],
    );
    return open?.n === 0 ? true : undefined;
  }, DELIVERIES_SETTLE_MS);
  const check: ReceiverCheck = { received: 0, unverified: 0 };
  for (const { hook } of seeded.world.tenants) {
    const response = await fetch(`${seeded.receiver.url}/__control/hooks/${hook.name}`);
    const { received } = (await response.json()) as { received: { verified: boolean }[] };
    check.received += received.length;
    check.unverified += received.filter((r) => !r.verified).length;
  }
  return check;
}

function report(
  fired: FireResult,
  verification: Verification,
  receiver: ReceiverCheck,
  pages: Map<string, number>,
  seconds: number,
): string[] {
  const { result, sent, statuses } = fired;
  const acknowledged = [...statuses.values()].filter((s) => s >= 200 && s < 300).length;
  const errors = new Map<string, number>();
  for (const refusal of fired.refusals.values()) {
    increment(errors, refusal);
  }
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
  const unreached = OPERATIONS.filter((o) => !sent.some((r) => r.operation === o.operationId));
  const rows: [string, string | number][] = [
    ["requests sent", sent.length],
    ["acknowledged (2xx)", acknowledged],
    ["errors by status", errors.size > 0 ? formatCounts(errors) : "none"],
    ["routes not reached", unreached.length > 0 ? unreached.map((o) => o.operationId).join(", ") : "none"],
    ["static pages (once each)", [...pages].map(([page, status]) => `${page} ${status}`).join(", ")],
    ["latency p50 / p99 / max", `${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms`],
    ["llm per answer (Server-Timing)", formatCounts(fired.llm)],
    ["throughput", `${(statuses.size / result.duration).toFixed(1)} answers/s over ${result.duration} s`],
    ["effects lost", verification.effectsLost],
    ["phantom writes", verification.phantomEffects + verification.phantomActivities],
    ["stray rows / contacts", `${verification.strayRows} / ${verification.strayContacts}`],
    ["activity rows missing", verification.activityMissing],
    ["activity rows duplicated/wrong", verification.activityDuplicated + verification.activityWrong],
    ["answers not as documented/planned", fired.badAnswers],
    ["hook deliveries received", `${receiver.received} (${receiver.unverified} with a bad signature)`],
    ["outcome unknown, wrote anyway", `${verification.unknownWritten} of ${verification.unknown}`],
    ["run time", `${seconds.toFixed(1)} s (seed + load + verify)`],
  ];
  return rows.map(([label, value]) => `${label.padEnd(33)} ${value}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const { state, pages } = await requireDevServer();
  // A route added to the API without a place in the mix would go unloaded: refuse to run instead.
  const uncovered = OPERATIONS.filter((o) => !(OPERATION_IDS as readonly string[]).includes(o.operationId));
  if (uncovered.length > 0) {
    throw new Abort(
      `the mix does not cover ${uncovered.map((o) => o.operationId).join(", ")}: add it to scripts/load/mix.ts`,
    );
  }
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

  const runId = newRunId();
  let seeded: Seeded | undefined;
  try {
    progress(`run ${runId}: seeding ${config.tenants} tenants x ${config.contactsPerTenant} contacts`);
    seeded = await seedWorld(query, BASE, runId, config.tenants, config.contactsPerTenant);
    const { world } = seeded;
    const plans = Array.from({ length: config.requests }, (_, n) => planRequest(world, n));
    await seedNeeds(
      query,
      BASE,
      seeded,
      plans.flatMap((p) => (p.seed ? [p.seed] : [])),
    );
    progress(
      `run ${runId}: ${config.requests} requests over ${OPERATIONS.length} routes, ${config.connections} connections, ${BASE}, metering ${metering} (METERING=off npm run dev to compare)`,
    );
    const perCredential = new Map<string, number>();
    for (const plan of plans) {
      increment(perCredential, plan.credential);
    }
    const busiest = Math.max(...perCredential.values());
    if (busiest > RATE_LIMIT_PER_MINUTE) {
      progress(`${busiest} requests with one credential is past ${RATE_LIMIT_PER_MINUTE}/min: expect 429s`);
    }

    const fired = await fire(runId, plans);
    const answered = fired.statuses.size;
    if (answered < fired.sent.length || fired.unknownOutcome.size > 0) {
      // A request cut off in flight may still commit; give it a moment so "outcome unknown, wrote anyway"
      // reflects what it did rather than when we looked.
      await new Promise((r) => setTimeout(r, 3000));
    }
    const receiver = await checkReceiver(query, seeded);
    const snapshot = await readSnapshot(
      query,
      world.tenants.map((t) => t.tenantId),
    );
    const verification = judgeRun(
      snapshot,
      {
        contactIds: new Set(world.tenants.flatMap((t) => t.contacts.map((c) => c.id))),
        values: seeded.values,
      },
      fired.sent,
      fired,
    );
    const seconds = (performance.now() - started) / 1000;

    console.log(`load run ${runId} against ${BASE} (usage metering ${metering})`);
    for (const line of routeTable(fired)) {
      console.log(line);
    }
    console.log("");
    for (const line of report(fired, verification, receiver, pages, seconds)) {
      console.log(line);
    }
    for (const example of [...fired.examples.slice(0, 10), ...verification.examples]) {
      console.log(`  ${example}`);
    }

    const acknowledged = [...fired.statuses.values()].filter((s) => s >= 200 && s < 300).length;
    const broken =
      verification.effectsLost +
      verification.phantomEffects +
      verification.phantomActivities +
      verification.strayRows +
      verification.strayContacts +
      verification.activityMissing +
      verification.activityDuplicated +
      verification.activityWrong +
      fired.badAnswers +
      receiver.unverified +
      [...pages.values()].filter((status) => status !== 200).length;
    const kept = world.tenants.map((t) => t.tenantId).join(", ");
    if (broken > 0 || acknowledged === 0) {
      console.log(
        acknowledged === 0
          ? "FAIL: nothing was acknowledged, so nothing was checked"
          : "FAIL: acknowledged writes were lost, refused ones were written, or answers broke the document or the plan",
      );
      console.log(`kept for inspection: tenants ${kept}`);
      process.exitCode = 1;
    } else if (config.keep) {
      console.log(`OK (LOAD_KEEP=1: tenants kept: ${kept})`);
    } else {
      await deleteTenants(query, world.tenants);
      console.log("OK (seeded tenants deleted; their KV definitions stay in wrangler's local state)");
    }
  } finally {
    await seeded?.receiver.stop();
    await session.end();
  }
}

main().catch((err: unknown) => {
  console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = err instanceof Abort || err instanceof SeedError ? 2 : 1;
});
