import pg from "pg";

/** Any client that runs one parameterised statement and returns its rows (pg, or Neon's `sql.query`). */
export type Query = <T>(text: string, params?: unknown[]) => Promise<T[]>;

/** One pg connection seen through `Query`, so scripts and the tenant/webhook helpers share one shape. */
export interface PgSession {
  query: Query;
  end(): Promise<void>;
}

/**
 * A connected `pg.Client` seen as `Query`. Rows come back untyped from the wire: the caller names
 * the row type it selected.
 */
export function queryOf(client: pg.Client): Query {
  return async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[];
}

/**
 * Connects one `pg.Client` (the scripts each wrapped one by hand before this helper existed).
 */
export async function connectPg(
  connectionString: string,
  options: { connectionTimeoutMillis?: number } = {},
): Promise<PgSession> {
  const client = new pg.Client({ connectionString, ...options });
  await client.connect();
  return { query: queryOf(client), end: () => client.end() };
}

/** Runs `work` on a fresh connection and always closes it, however `work` ends. */
export async function withPg<T>(connectionString: string, work: (query: Query) => Promise<T>): Promise<T> {
  const session = await connectPg(connectionString);
  try {
    return await work(session.query);
  } finally {
    await session.end();
  }
}
