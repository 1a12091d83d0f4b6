import { neon, neonConfig, types } from "@neondatabase/serverless";
import type { Query, SQL } from "drizzle-orm";
import { CasingCache } from "drizzle-orm/casing";
import { DrizzleQueryError } from "drizzle-orm/errors";

/** What the adapters use of a database: one drizzle `sql` statement in, its rows out. */
export interface Database {
  execute(query: SQL): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Drizzle's `sql` template rendered as Postgres text and parameters, with the escaping of drizzle's
 * `PgDialect.sqlToQuery` (client.test.ts holds them equal). The statements only ever use the `sql`
 * template, so `drizzle-orm/neon-http` (its session, the query builders and `PgDialect`, which
 * bring drizzle's whole pg-core into the bundle) is not needed to run them: 14 KiB gzip less.
 */
export const toQuery = (query: SQL): Query =>
  query.toQuery({
    casing: new CasingCache(),
    escapeName: (name) => `"${name.replace(/"/g, '""')}"`,
    escapeParam: (index) => `$${index + 1}`,
    escapeString: (text) => `'${text.replace(/'/g, "''")}'`,
  });

/**
 * Postgres types handed over as the text Postgres sent (as `drizzle-orm/neon-http` sets them up):
 * timestamptz, timestamp, date, interval and the arrays of numeric, timestamp, timestamptz,
 * interval and date. Rows are parsed by zod schemas that expect these strings.
 */
const AS_TEXT = [1184, 1114, 1082, 1186, 1231, 1115, 1185, 1187, 1182];

/**
 * One HTTP round trip per statement, through the Neon serverless driver's `neon()` HTTP client.
 * `localSqlEndpoint` comes only from local config (`.dev.vars`, test bindings); production has no
 * such variable, so it always talks to Neon.
 */
export function createDatabase(databaseUrl: string, localSqlEndpoint?: string): Database {
  if (localSqlEndpoint) {
    neonConfig.fetchEndpoint = localSqlEndpoint;
  }
  for (const oid of AS_TEXT) {
    types.setTypeParser(oid, (value: string) => value);
  }
  const client = neon(databaseUrl);
  return {
    async execute(query) {
      const { sql, params } = toQuery(query);
      try {
        return await client.query(sql, params, { arrayMode: false, fullResults: true });
      } catch (err) {
        // As drizzle's session does: the driver's error (its Postgres `code`) is the `cause`,
        // which src/adapters/db/sql.ts and the error log read.
        throw new DrizzleQueryError(sql, params, err as Error);
      }
    },
  };
}
