import type { BenchRequest } from "./scenarios";
import { parseServerTiming, type WorkerTiming } from "./stats";

export interface Sample {
  ms: number;
  status: number;
  body: string;
  timing: WorkerTiming;
}

export interface Client {
  send(request: BenchRequest, apiKey?: string): Promise<Sample>;
}

/**
 * Requests to one Worker of the bench's workerd, straight to its entry socket. Every Worker (the
 * service, its cold-cache copy, the floor) is named in `MF-Route-Override`, so every request takes
 * the same path through workerd and only the Worker's own work differs.
 */
export function client(workerdUrl: string, worker: string): Client {
  return {
    async send(request, apiKey) {
      const headers: Record<string, string> = { "MF-Route-Override": worker };
      if (apiKey !== undefined) {
        headers["x-api-key"] = apiKey;
      }
      if (request.body !== undefined) {
        headers["content-type"] = "application/json";
      }
      const started = performance.now();
      const res = await fetch(`${workerdUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(60_000),
      });
      const body = await res.text();
      const ms = performance.now() - started;
      return { ms, status: res.status, body, timing: parseServerTiming(res.headers.get("server-timing")) };
    },
  };
}
