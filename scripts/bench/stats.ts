export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** Nearest-rank percentile: an observed value, never an interpolation between two. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export interface WorkerTiming {
  llmCalls?: number;
  llmOutcome?: string;
  kvReads?: number;
  kvWrites?: number;
}

/** Reads the Worker's `Server-Timing`: `llm;dur=412.0;desc="calls=1 ok"` and `kv;desc="reads=1 writes=0"`. */
export function parseServerTiming(header: string | null): WorkerTiming {
  const timing: WorkerTiming = {};
  if (header === null) {
    return timing;
  }
  const llm = /(?:^|,)\s*llm;[^,]*desc="calls=(\d+)(?: ([a-z_]+))?"/.exec(header);
  if (llm?.[1] !== undefined) {
    timing.llmCalls = Number(llm[1]);
    // The Worker names no outcome for a request that needed no call.
    timing.llmOutcome = llm[2] ?? (timing.llmCalls === 0 ? "none" : "ok");
  }
  const kv = /(?:^|,)\s*kv;[^,]*desc="reads=(\d+) writes=(\d+)"/.exec(header);
  if (kv?.[1] !== undefined && kv[2] !== undefined) {
    timing.kvReads = Number(kv[1]);
    timing.kvWrites = Number(kv[2]);
  }
  return timing;
}

/** Counts of each value, e.g. `{ exact: 10 }`, for a compact summary in the report. */
export function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}
