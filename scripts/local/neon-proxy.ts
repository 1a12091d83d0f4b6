import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { CustomTypesConfig, FieldDef, PoolClient, QueryArrayConfig } from "pg";
import { DatabaseError, Pool } from "pg";
import type { RawData, WebSocket } from "ws";
import { WebSocketServer } from "ws";
import { readBody } from "./node-http";

export type NeonProxyStats = { roundTrips: number; httpQueries: number; wsMessages: number };

/**
 * Injected failures of POST /sql, for fault tests: `down` drops every request unanswered before
 * running it (an unreachable database); `drop-after` runs and commits the statement, then drops
 * the connection (the answer is lost on the way back).
 */
export type NeonProxyFault = "none" | "down" | "drop-after";

export type NeonProxy = {
  setFault(fault: NeonProxyFault): void;
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/sql', for `neonConfig.fetchEndpoint` */
  sqlEndpoint: string;
  stats(): NeonProxyStats;
  resetStats(): void;
  setDelay(ms: number): void;
  cutConnections(): void;
  stop(): Promise<void>;
};

type SqlQuery = { query: string; params: unknown[] };

type SqlResult = {
  command: string;
  rowCount: number | null;
  rows: unknown[][];
  fields: FieldDef[];
  rowAsArray: true;
};

type Reply = { status: number; contentType: string; body: string };

// The driver sends `Neon-Raw-Text-Output: true` and parses every value itself by type OID,
// so values must reach it exactly as Postgres printed them.
const RAW_TEXT: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

// The fields `@neondatabase/serverless` copies from a 400 body onto its NeonDbError.
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};

/**
 * Plays Neon's serverless endpoints against a local Postgres on one port:
 * `POST /sql` (SQL over HTTP, as `neon()` speaks it) and `/v2` (the WebSocket pipe used by
 * `Pool`/`Client`), with injectable latency and round-trip counting for benchmarks.
 */
export async function startNeonProxy(opts: {
  connectionString: string;
  port?: number;
  host?: string;
  delayMs?: number;
}): Promise<NeonProxy> {
  const target = new URL(opts.connectionString);
  const pgHost = target.hostname;
  const pgPort = Number(target.port || 5432);
  const pool = new Pool({ connectionString: opts.connectionString, max: 20 });
  // An idle client dying (e.g. Postgres restarted) must not crash the process.
  pool.on("error", () => undefined);

  let delayMs = opts.delayMs ?? 0;
  let fault: NeonProxyFault = "none";
  let counts: NeonProxyStats = { roundTrips: 0, httpQueries: 0, wsMessages: 0 };
  // The text (never the parameters) of the latest HTTP statements, for tests that pin which
  // statement a request sent (GET /statements).
  const statements: string[] = [];
  let statementCount = 0;
  const inFlight = new Set<Socket>();
  const pipes = new Set<() => void>();

  const server = createServer((req, res) => {
    void route(req, res);
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? "/", "http://proxy");
    if (req.method === "POST" && pathname === "/sql") {
      counts.roundTrips++;
      counts.httpQueries++;
      inFlight.add(req.socket);
      res.on("close", () => inFlight.delete(req.socket));
      if (fault === "down") {
        req.socket.destroy();
        return;
      }
      const reply = await handleSql(req);
      if (fault === "drop-after") {
        req.socket.destroy();
        return;
      }
      await sleep(delayMs);
      send(res, reply);
    } else if (req.method === "GET" && pathname === "/stats") {
      send(res, json(200, counts));
    } else if (req.method === "GET" && pathname === "/statements") {
      send(res, json(200, { count: statementCount, statements }));
    } else if (req.method === "POST" && pathname === "/faults") {
      const asked = (JSON.parse((await readBody(req)) || "{}") as { mode?: string }).mode;
      fault = asked === "down" || asked === "drop-after" ? asked : "none";
      send(res, json(200, { mode: fault }));
    } else if (req.method === "POST" && pathname === "/stats/reset") {
      counts = { roundTrips: 0, httpQueries: 0, wsMessages: 0 };
      send(res, json(200, counts));
    } else {
      send(res, { status: 404, contentType: "text/plain", body: "Not found" });
    }
  }

  async function handleSql(req: IncomingMessage): Promise<Reply> {
    try {
      const body = parseSqlBody(await readBody(req));
      for (const { query } of Array.isArray(body) ? body : [body]) {
        statementCount++;
        statements.push(query);
        statements.splice(0, statements.length - 200);
      }
      await sleep(delayMs);
      const result = Array.isArray(body)
        ? { results: await runBatch(pool, body, req.headers) }
        : await runQuery(pool, body);
      return json(200, result);
    } catch (error) {
      if (error instanceof DatabaseError) {
        return json(400, errorBody(error));
      }
      const message = error instanceof Error ? error.message : String(error);
      return { status: 500, contentType: "text/plain", body: message };
    }
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    // The driver appends `?address=host:port`; we always dial our own Postgres instead.
    const { pathname } = new URL(req.url ?? "/", "http://proxy");
    if (pathname !== "/v2") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => pipe(ws));
  });

  function pipe(ws: WebSocket): void {
    const tcp = connect(pgPort, pgHost);
    tcp.setNoDelay(true);
    const toPostgres = lane(() => delayMs);
    const toClient = lane(() => delayMs);
    // A client message only costs a round trip if it had to wait for the server's last answer;
    // pipelined messages (e.g. startup + password) ride along with the previous one.
    let serverAnswered = true;

    const destroy = () => {
      pipes.delete(destroy);
      ws.terminate();
      tcp.destroy();
    };
    pipes.add(destroy);

    ws.on("message", (data) => {
      counts.wsMessages++;
      if (serverAnswered) {
        counts.roundTrips++;
        serverAnswered = false;
      }
      const bytes = toBuffer(data);
      toPostgres(() => tcp.write(bytes));
    });
    tcp.on("data", (chunk) =>
      toClient(() => {
        serverAnswered = true;
        if (ws.readyState === ws.OPEN) {
          ws.send(chunk);
        }
      }),
    );
    // Orderly closes travel through the lanes so delayed data is delivered before the close.
    ws.on("close", () => toPostgres(() => tcp.end()));
    tcp.on("close", () =>
      toClient(() => {
        pipes.delete(destroy);
        ws.close();
      }),
    );
    ws.on("error", destroy);
    tcp.on("error", destroy);
  }

  // Node closes a kept-alive socket after 5 s idle; workerd may be sending its next query on that
  // very socket at that moment, and then sees "Network connection lost" (a 503 for a statement that
  // never ran). Under load (100 writers queued on one contact) it happened. Keep idle sockets
  // longer than any client waits between two queries, as an HTTP endpoint in production does.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(opts.host)}:${port}`;

  const cutConnections = () => {
    for (const destroy of [...pipes]) {
      destroy();
    }
    for (const socket of inFlight) {
      socket.destroy();
    }
    inFlight.clear();
  };

  return {
    port,
    url,
    sqlEndpoint: `${url}/sql`,
    stats: () => ({ ...counts }),
    resetStats: () => {
      counts = { roundTrips: 0, httpQueries: 0, wsMessages: 0 };
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    setFault: (next) => {
      fault = next;
    },
    cutConnections,
    stop: async () => {
      cutConnections();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

async function runQuery(client: Pool | PoolClient, { query, params }: SqlQuery): Promise<SqlResult> {
  // `queryMode: 'extended'` (missing from @types/pg) keeps parameterless queries on the extended
  // protocol, so multi-statement strings fail here just as they do on Neon.
  const config: QueryArrayConfig & { queryMode: "extended" } = {
    text: query,
    values: params,
    rowMode: "array",
    types: RAW_TEXT,
    queryMode: "extended",
  };
  const result = await client.query(config);
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields,
    rowAsArray: true,
  };
}

/** A batch is one transaction, all or nothing, like Neon's `sql.transaction()`. */
async function runBatch(pool: Pool, queries: SqlQuery[], headers: IncomingHttpHeaders): Promise<SqlResult[]> {
  const begin = beginStatement(headers);
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query(begin);
    const results: SqlResult[] = [];
    for (const query of queries) {
      results.push(await runQuery(client, query));
    }
    await client.query("commit");
    return results;
  } catch (error) {
    await client.query("rollback").catch(() => {
      healthy = false;
    });
    throw error;
  } finally {
    client.release(!healthy);
  }
}

function beginStatement(headers: IncomingHttpHeaders): string {
  const parts = ["begin"];
  const isolation = header(headers, "neon-batch-isolation-level");
  if (isolation !== undefined) {
    const level = ISOLATION_LEVELS[isolation];
    if (level === undefined) {
      throw new Error(`Unknown Neon-Batch-Isolation-Level: ${isolation}`);
    }
    parts.push(`isolation level ${level}`);
  }
  const readOnly = header(headers, "neon-batch-read-only");
  if (readOnly !== undefined) {
    parts.push(readOnly === "true" ? "read only" : "read write");
  }
  const deferrable = header(headers, "neon-batch-deferrable");
  if (deferrable !== undefined) {
    parts.push(deferrable === "true" ? "deferrable" : "not deferrable");
  }
  return parts.join(" ");
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseSqlBody(text: string): SqlQuery | SqlQuery[] {
  const body: unknown = JSON.parse(text);
  if (typeof body === "object" && body !== null && "queries" in body && Array.isArray(body.queries)) {
    return body.queries.map(toSqlQuery);
  }
  return toSqlQuery(body);
}

function toSqlQuery(value: unknown): SqlQuery {
  if (typeof value === "object" && value !== null && "query" in value && typeof value.query === "string") {
    const params = "params" in value && Array.isArray(value.params) ? value.params : [];
    return { query: value.query, params };
  }
  throw new Error("Expected a body of {query, params} or {queries: [{query, params}, ...]}");
}

function errorBody(error: DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: error.message };
  for (const field of ERROR_FIELDS) {
    body[field] = error[field];
  }
  return body;
}

function json(status: number, value: unknown): Reply {
  return { status, contentType: "application/json", body: JSON.stringify(value) };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) {
    return;
  }
  res.writeHead(reply.status, { "content-type": reply.contentType });
  res.end(reply.body);
}

/**
 * Delivers callbacks in arrival order, each no earlier than `delay` after it arrived. A chain
 * rather than bare timers, so a delay change mid-stream can never reorder bytes.
 */
function lane(delay: () => number): (deliver: () => void) => void {
  let tail = Promise.resolve();
  return (deliver) => {
    const due = Date.now() + delay();
    tail = tail.then(async () => {
      const wait = due - Date.now();
      if (wait > 0) {
        await sleep(wait);
      }
      deliver();
    });
  };
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) {
    return Buffer.concat(data);
  }
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

function urlHost(host: string | undefined): string {
  if (host === undefined || host === "0.0.0.0" || host === "::") {
    return "127.0.0.1";
  }
  return host.includes(":") ? `[${host}]` : host;
}
