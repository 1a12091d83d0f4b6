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
  /** The floor's database part: median of one round trip of the minimal statement through the proxy. */
  floorDbMs: number;
  /** floorDbMs plus the fake LLM's latency when the scenario needs one LLM call. */
  floorMs: number;
  ratioToFloor: number;
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
  };
  scenarios: ScenarioResult[];
  bundle: { minifiedKiB: number; gzipKiB: number };
  startup: { method: string; medianActiveMs: number; activeMs: number[] };
  /** Workers the API Worker calls over service bindings (the LLM matcher), measured the same way. */
  auxiliaryWorkers: {
    name: string;
    minifiedKiB: number;
    gzipKiB: number;
    startupMedianActiveMs: number;
    startupActiveMs: number[];
  }[];
  /** Median of a request the Worker refuses before any I/O (no API key): wrangler dev + Hono overhead. */
  noIoRequestMedianMs: number;
  definitionsAtEnd: number;
  /** Size of the tenant's definitions as listed by the API, about the size of its one KV value. */
  kvValueKiBAtEnd: number;
  warnings: string[];
  firstError: { scenario: string; status: number; body: string } | null;
  durationSeconds: number;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

export function formatTable(report: BenchReport): string {
  const header = [
    "scenario",
    "n",
    "median ms",
    "p95 ms",
    "floor ms",
    "x floor",
    "db trips/req",
    "llm calls/req",
    "kv reads/req",
    "kv writes/req",
    "non-2xx",
  ];
  const rows = report.scenarios.map((s) => [
    s.name,
    String(s.requests),
    fixed(s.medianMs),
    fixed(s.p95Ms),
    fixed(s.floorMs),
    fixed(s.ratioToFloor, 2),
    fixed(s.dbRoundTripsPerRequest, 2),
    fixed(s.llmCallsPerRequest, 2),
    fixed(s.kvReadsPerRequest, 2),
    fixed(s.kvWritesPerRequest, 2),
    String(s.non2xx),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const { config } = report;
  return [
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `bundle: ${fixed(report.bundle.minifiedKiB, 2)} KiB minified / ${fixed(report.bundle.gzipKiB, 2)} KiB gzip (wrangler deploy --dry-run --minify)`,
    `startup: ${fixed(report.startup.medianActiveMs)} ms CPU, median of ${report.startup.activeMs.length} (${report.startup.activeMs.map((ms) => fixed(ms)).join(", ")}); ${report.startup.method}`,
    ...report.auxiliaryWorkers.map(
      (w) =>
        `${w.name}: ${fixed(w.minifiedKiB, 2)} KiB minified / ${fixed(w.gzipKiB, 2)} KiB gzip; startup ${fixed(w.startupMedianActiveMs)} ms CPU (${w.startupActiveMs.map((ms) => fixed(ms)).join(", ")})`,
    ),
    `no-I/O request (401, no API key): ${fixed(report.noIoRequestMedianMs)} ms median: wrangler dev + Worker overhead in every row`,
    `floor = median of one neon() round trip of the minimal statement through the same proxy (+${config.llmLatencyMs} ms LLM latency where one call is needed)`,
    `${config.requestsPerScenario} requests per scenario (bulk: ${config.bulkRequests}, of ${BULK_ITEMS} items each) after ${config.warmupPerScenario} warm-up, sequential; db delay ${config.dbDelayMsEachWay} ms each way; fake LLM latency ${config.llmLatencyMs} ms; ${report.definitionsAtEnd} definitions (${fixed(report.kvValueKiBAtEnd, 0)} KiB) in KV at the end; ${fixed(report.durationSeconds, 0)} s in all`,
    ...report.scenarios.map(
      (s) =>
        `  ${s.name}: ${s.non200Items > 0 ? `non-200 items ${s.non200Items}; ` : ""}matched_by/req ${formatCounts(s.matchedByPerRequest)}; llm outcomes ${formatCounts(s.llmOutcomes)}; median 1st/2nd half ${fixed(s.firstHalfMedianMs)}/${fixed(s.secondHalfMedianMs)} ms`,
    ),
    ...report.warnings.map((warning) => `WARNING: ${warning}`),
  ].join("\n");
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
