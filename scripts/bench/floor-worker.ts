// The bench's floor: the smallest Worker that does what every measured request must do, i.e.
// receive an HTTP request and send one statement through @neondatabase/serverless. It runs in the
// same `wrangler dev` (same workerd, same proxy worker, same Neon proxy with its injected delay) as
// the service, so whatever the harness costs is in both numbers and cancels out of their ratio.
// The bench reaches it with miniflare's `MF-Route-Override` header (see bench/worker.ts).
import { neon, neonConfig } from "@neondatabase/serverless";

interface Env {
  DATABASE_URL: string;
  LOCAL_NEON_SQL_ENDPOINT?: string;
  /** The service's KV namespace (same id): only used to seed the pre-ledger layout, never timed. */
  FIELDS_KV?: KVNamespace;
  /**
   * A rate limit binding like the service's API_KEY_RATE_LIMITER (never reached): `POST
   * /rate-limited` asks it first, to show what the local simulation of one limit() call costs.
   */
  RATE_LIMITER?: RateLimit;
  /** `POST /platform` writes one data point, as the service's USAGE_EVENTS does per request. */
  USAGE?: AnalyticsEngineDataset;
  /** `POST /platform` sends one message after the response, as the service's EVENTS_QUEUE does. */
  QUEUE?: Queue;
}

interface Statement {
  text: string;
  params: unknown[];
}

/** Built once per isolate, as the service builds its database client once per isolate. */
let sql: ReturnType<typeof neon> | undefined;

function client(env: Env): ReturnType<typeof neon> {
  if (sql === undefined) {
    if (env.LOCAL_NEON_SQL_ENDPOINT) {
      neonConfig.fetchEndpoint = env.LOCAL_NEON_SQL_ENDPOINT;
    }
    sql = neon(env.DATABASE_URL);
  }
  return sql;
}

// biome-ignore lint/style/noDefaultExport: workerd loads a module Worker from its default export.
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const statement = await request.json<Statement>();
    const path = new URL(request.url).pathname;
    if (path === "/rate-limited" || path === "/platform") {
      await env.RATE_LIMITER?.limit({ key: "floor" });
    }
    const rows = await client(env).query(statement.text, statement.params);
    if (path === "/platform") {
      // What an API request asks of Cloudflare besides its statement: a limit() call before it
      // (above), a usage data point and, after the response, its change event to the queue.
      env.USAGE?.writeDataPoint({ blobs: ["floor"], doubles: [1], indexes: ["floor"] });
      if (env.QUEUE) {
        ctx.waitUntil(env.QUEUE.sendBatch([{ body: { kind: "event", id: crypto.randomUUID() } }]));
      }
    }
    return Response.json(rows);
  },
} satisfies ExportedHandler<Env>;
