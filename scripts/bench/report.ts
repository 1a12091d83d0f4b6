import type { CpuResult, GrowthRow, PromptResult } from "./growth";
import { BULK_ITEMS } from "./scenarios";

export interface ScenarioResult {
  name: string;
  requests: number;
  /** Responses outside 2xx, or bulk 200s with an item that is not 200, warm-up included: any makes the bench fail. */
  non2xx: number;
  /** Items of bulk responses (warm-up included) whose own status was not 200; each fails its request. */
  non200Items: number;
  medianMs: number;
  p95Ms: number;
  /** Median of the first and second half of the measured requests: shows drift (e.g. a growing KV record). */
  firstHalfMedianMs: number;
  secondHalfMedianMs: number;
  /**
   * The floor's request part: median of the floor Worker sending the minimal statement, through the
   * same workerd and proxy as the scenario's requests.
   */
  floorDbMs: number;
  /** floorDbMs plus the fake LLM's latency when the scenario needs one LLM call. */
  floorMs: number;
  ratioToFloor: number;
  /** Issue 18's bound on ratioToFloor, where it sets one. */
  target?: { limit: number; pass: boolean };
  dbRoundTripsPerRequest: number;
  llmCallsPerRequest: number;
  expectedLlmCallsPerRequest: number;
  kvReadsPerRequest: number;
  kvWritesPerRequest: number;
  /** `matched_by` of the response objects, per request. */
  matchedByPerRequest: Record<string, number>;
  /** The outcome the Worker reported in Server-Timing, counted over the measured requests. */
  llmOutcomes: Record<string, number>;
}

export interface BenchReport {
  config: {
    requestsPerScenario: number;
    bulkRequests: number;
    warmupPerScenario: number;
    dbDelayMsEachWay: number;
    llmLatencyMs: number;
    startupRuns: number;
    growthRequests: number;
    growthWarmup: number;
    cpuRequests: number;
    /** `BENCH_ONLY`, or null for every row. */
    only: string[] | null;
  };
  /** Where the running service reads definitions: "ledger" (Postgres) or "kv" (the pre-ledger record). */
  floorMethod: string;
  /** The exact scenario's floor statement sent straight from the bench vs. through the floor Worker. */
  harness: {
    directDbMs: number;
    floorWorkerMs: number;
    floorWithRateLimitMs: number;
    /** The floor Worker also making the platform calls every API request makes (floor-worker.ts). */
    floorWithPlatformMs: number;
  } | null;
  scenarios: ScenarioResult[];
  growth: GrowthRow[];
  cpu: CpuResult | null;
  prompt: PromptResult | null;
  bundle: { minifiedKiB: number; gzipKiB: number };
  /** Null when `BENCH_ONLY` leaves start-up out. */
  startup: { method: string; medianActiveMs: number; activeMs: number[] } | null;
  /**
   * Workers the API Worker calls over service bindings (the LLM matcher), measured the same way,
   * and the events Worker (measured, not run: it only consumes the queue).
   */
  auxiliaryWorkers: {
    name: string;
    minifiedKiB: number;
    gzipKiB: number;
    startupMedianActiveMs: number | null;
    startupActiveMs: number[];
  }[];
  /** Median of a request the Worker refuses before any I/O (no API key): workerd + Hono overhead. */
  noIoRequestMedianMs: number | null;
  /** The main tenant's definitions at the end (null when no scenario ran). */
  definitionsAtEnd: number | null;
  /** Size of the tenant's definitions as listed by the API, about the size of its one KV value. */
  kvValueKiBAtEnd: number | null;
  warnings: string[];
  firstError: { scenario: string; status: number; body: string } | null;
  durationSeconds: number;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

/** Columns padded to their widest cell; the first left-aligned, the others right-aligned. */
function table(header: string[], rows: string[][], leftColumns = 1): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map(line), rule];
}

const verdict = (pass: boolean) => (pass ? "pass" : "FAIL");

export function formatTable(report: BenchReport): string {
  const scenarioRows = report.scenarios.map((s) => [
    s.name,
    String(s.requests),
    fixed(s.medianMs),
    fixed(s.p95Ms),
    fixed(s.floorMs),
    fixed(s.ratioToFloor, 2),
    s.target ? `<= ${s.target.limit}` : "-",
    s.target ? verdict(s.target.pass) : "-",
    fixed(s.dbRoundTripsPerRequest, 2),
    fixed(s.llmCallsPerRequest, 2),
    fixed(s.kvReadsPerRequest, 2),
    fixed(s.kvWritesPerRequest, 2),
    String(s.non2xx),
  ]);
  const { config } = report;
  const lines: string[] = [];
  if (report.scenarios.length > 0) {
    lines.push(
      ...table(
        [
          "scenario",
          "n",
          "median ms",
          "p95 ms",
          "floor ms",
          "x floor",
          "target",
          "result",
          "db trips/req",
          "llm calls/req",
          "kv reads/req",
          "kv writes/req",
          "non-2xx",
        ],
        scenarioRows,
      ),
    );
  }
  if (report.growth.length > 0) {
    lines.push(
      "",
      ...table(
        ["growth row", "median ms at each size", "largest/smallest", "if linear", "target", "result"],
        report.growth.map((g) =>
          g.skipped && g.points.length === 0
            ? [g.label, g.skipped, "", "", "", ""]
            : [
                g.label,
                g.points
                  .map(
                    (p) =>
                      `${p.size}: ${fixed(p.medianMs)}${p.floorMedianMs === undefined ? "" : ` (floor ${fixed(p.floorMedianMs)})`}`,
                  )
                  .join("  "),
                `${fixed(g.largestOverSmallest, 2)}x`,
                `${fixed(g.linear, 0)}x`,
                // Measured but not what the label says (e.g. "cold" while the cache stayed on).
                g.skipped ? g.skipped : g.target ? `${g.target.text}: ${fixed(g.target.ratio, 2)}x` : "-",
                g.skipped ? "n/a" : g.target ? verdict(g.target.pass) : "-",
              ],
        ),
        2,
      ),
    );
  }
  if (report.cpu) {
    lines.push("", "CPU per exact update-metadata request (known keys; db delay off while measured):");
    if (report.cpu.skipped) {
      lines.push(`  ${report.cpu.skipped}`);
    } else {
      lines.push(
        ...table(
          [
            "keys",
            "n",
            "wall median ms",
            "workerd CPU ms",
            "floor's workerd CPU ms",
            "beyond the floor ms",
            "non-2xx",
          ],
          report.cpu.points.map((p) => [
            String(p.keys),
            String(p.requests),
            fixed(p.wallMedianMs),
            fixed(p.workerdMs, 2),
            fixed(p.floorWorkerdMs, 2),
            fixed(p.beyondFloorMs, 2),
            String(p.non2xx),
          ]),
        ).map((l) => `  ${l}`),
      );
      lines.push(`  ${report.cpu.method}`);
    }
  }
  if (report.prompt) {
    lines.push("", "LLM prompt per call (3 unknown keys per request):");
    if (report.prompt.skipped) {
      lines.push(`  ${report.prompt.skipped}`);
    } else {
      lines.push(
        ...table(
          ["definitions", "calls", "chars", "~tokens", "definitions offered", "non-2xx"],
          report.prompt.points.map((p) => [
            String(p.definitions),
            String(p.calls),
            fixed(p.medianChars, 0),
            fixed(p.medianTokens, 0),
            fixed(p.offered, 0),
            String(p.non2xx),
          ]),
        ).map((l) => `  ${l}`),
      );
      lines.push(`  ${report.prompt.method}`);
    }
  }
  lines.push(
    "",
    `bundle: ${fixed(report.bundle.minifiedKiB, 2)} KiB minified / ${fixed(report.bundle.gzipKiB, 2)} KiB gzip (wrangler deploy --dry-run --minify)`,
    report.startup
      ? `startup: ${fixed(report.startup.medianActiveMs)} ms CPU, median of ${report.startup.activeMs.length} (${report.startup.activeMs.map((ms) => fixed(ms)).join(", ")}); ${report.startup.method}`
      : "startup: not measured (BENCH_ONLY)",
    ...report.auxiliaryWorkers.map(
      (w) =>
        `${w.name}: ${fixed(w.minifiedKiB, 2)} KiB minified / ${fixed(w.gzipKiB, 2)} KiB gzip; startup ${w.startupMedianActiveMs === null ? "not measured" : `${fixed(w.startupMedianActiveMs)} ms CPU (${w.startupActiveMs.map((ms) => fixed(ms)).join(", ")})`}`,
    ),
  );
  if (report.noIoRequestMedianMs !== null) {
    lines.push(
      `no-I/O request (401, no API key): ${fixed(report.noIoRequestMedianMs)} ms median: workerd + Worker overhead in every row`,
    );
  }
  lines.push(
    `floor = ${report.floorMethod} (+${config.llmLatencyMs} ms LLM latency where one call is needed)`,
  );
  if (report.harness) {
    lines.push(
      `harness: the exact floor statement takes ${fixed(report.harness.floorWorkerMs)} ms through the floor Worker, ${fixed(report.harness.directDbMs)} ms sent straight from the bench to the proxy, ${fixed(report.harness.floorWithRateLimitMs)} ms through the floor Worker asking a rate limiter first (one limit() call, as every API request makes: miniflare simulates it with a Durable Object fetch), ${fixed(report.harness.floorWithPlatformMs)} ms with every platform call an API request makes (that limit(), a usage data point, its change event to a queue after the response)`,
    );
    const { floorWithPlatformMs } = report.harness;
    const against = report.scenarios
      .filter((s) => ["exact", "remembered"].includes(s.name))
      .map((s) => `${s.name} ${fixed(s.medianMs / floorWithPlatformMs, 2)}x`);
    if (against.length > 0) {
      lines.push(
        `  against that floor with the platform calls (not the target's floor; it shows what is left that is our own code): ${against.join(", ")}`,
      );
    }
  }
  lines.push(
    `${config.requestsPerScenario} requests per scenario (bulk: ${config.bulkRequests}, of ${BULK_ITEMS} items each) after ${config.warmupPerScenario} warm-up; growth rows ${config.growthRequests} per size after ${config.growthWarmup}; all sequential; db delay ${config.dbDelayMsEachWay} ms each way; fake LLM latency ${config.llmLatencyMs} ms${report.definitionsAtEnd === null ? "" : `; ${report.definitionsAtEnd} definitions (${fixed(report.kvValueKiBAtEnd ?? Number.NaN, 0)} KiB) in the main tenant at the end`}; ${fixed(report.durationSeconds, 0)} s in all${config.only ? `; BENCH_ONLY=${config.only.join(",")}` : ""}`,
    ...report.scenarios.map(
      (s) =>
        `  ${s.name}: ${s.non200Items > 0 ? `non-200 items ${s.non200Items}; ` : ""}matched_by/req ${formatCounts(s.matchedByPerRequest)}; llm outcomes ${formatCounts(s.llmOutcomes)}; median 1st/2nd half ${fixed(s.firstHalfMedianMs)}/${fixed(s.secondHalfMedianMs)} ms`,
    ),
    ...report.growth.flatMap((g) => [
      ...(g.points.length > 0
        ? [
            `  ${g.label}: db trips/req ${g.points.map((p) => fixed(p.dbTripsPerRequest, 2)).join("/")}; kv reads/req ${g.points.map((p) => fixed(p.kvReadsPerRequest, 2)).join("/")}; llm calls/req ${g.points.map((p) => fixed(p.llmCallsPerRequest, 2)).join("/")}; non-2xx ${g.points.map((p) => p.non2xx).join("/")}`,
          ]
        : []),
      ...(g.firstError
        ? [
            `  ${g.label}: first error at size ${g.firstError.size}: ${g.firstError.status} ${g.firstError.body.slice(0, 300)}`,
          ]
        : []),
    ]),
    ...report.warnings.map((warning) => `WARNING: ${warning}`),
  );
  return lines.join("\n");
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) {
    return "-";
  }
  return entries
    .map(([key, count]) => `${key}=${Number.isInteger(count) ? count : count.toFixed(2)}`)
    .join(" ");
}
