import { neon, neonConfig, types } from "@neondatabase/serverless";
import type { Query, SQL } from "drizzle-orm";
import { CasingCache } from "drizzle-orm/casing";
import { DrizzleQueryError } from "drizzle-orm/errors";

/** What the adapters use of a database: one drizzle `sql` statement in, its rows out. */
export interface Database {
  execute(query: SQL): Promise<{ rows: Record<string, unknown>[] }>;
  /**
   * The same, for a statement whose one column is named `result`, run as a stored statement
   * (migrations/0010_stored_statements.sql): Postgres parses and plans it once per pooled connection
   * instead of on every request. Still one round trip: the first time an isolate sends a statement
   * text, its definition rides in the same transaction as the call.
   */
  executeStored(query: SQL): Promise<{ rows: Record<string, unknown>[] }>;
}

/** Postgres' undefined_function: a stored statement dropped since (`stored.clear()` at migration). */
const UNDEFINED_FUNCTION = "42883";
/** `undefined` for an error saying a stored statement's function does not exist; any other is thrown. */
const undefinedIfGone = (err: unknown): undefined => {
  if ((err as { code?: unknown }).code !== UNDEFINED_FUNCTION) {
    throw err;
  }
  return undefined;
};
/** Postgres' FUNC_MAX_ARGS. */
const MAX_FUNCTION_ARGS = 100;

/** The stored statement's name: `q_` and the first 128 bits of the text's SHA-256, in hex. */
export async function storedName(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest.subarray(0, 16)) {
    hex += byte.toString(16).padStart(2, "0");
  }
  return `q_${hex}`;
}

/** The call of a stored statement: its parameters in order, typed by the function's signature. */
export const storedCall = (name: string, paramCount: number): string =>
  `SELECT r AS result FROM stored.${name}(${Array.from({ length: paramCount }, (_, i) => `$${i + 1}`).join(", ")}) AS r`;

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
  const RESULTS = { arrayMode: false, fullResults: true } as const;
  /**
   * Stored statements this isolate has defined or called: from then on it sends the call alone.
   * A handful of names: one per shape of statement text (values are never part of a text).
   */
  const known = new Set<string>();
  // As drizzle's session does: the driver's error (its Postgres `code`) is the `cause`, which
  // src/adapters/db/sql.ts and the error log read.
  const wrapped = async <T>(sql: string, params: unknown[], send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (err) {
      throw new DrizzleQueryError(sql, params, err as Error);
    }
  };
  const sendText = (sql: string, params: unknown[]) =>
    wrapped(sql, params, () => client.query(sql, params, RESULTS));
  return {
    execute(query) {
      const { sql, params } = toQuery(query);
      return sendText(sql, params);
    },
    async executeStored(query) {
      const { sql, params } = toQuery(query);
      if (params.length > MAX_FUNCTION_ARGS) {
        // A function takes at most 100 arguments: such a text is sent as it is.
        return sendText(sql, params);
      }
      const name = await storedName(sql);
      const call = storedCall(name, params.length);
      // One transaction: the definition (a no-op when another isolate made it) and the call.
      // A statement that fails or refuses itself rolls its first definition back with it.
      const defineAndCall = async () => {
        const [, result] = await client.transaction(
          [client.query("SELECT stored.define($1, $2)", [name, sql]), client.query(call, params)],
          RESULTS,
        );
        if (!result) {
          throw new Error("the stored statement's transaction returned no result");
        }
        known.add(name);
        return result;
      };
      return wrapped(sql, params, async () => {
        if (known.has(name)) {
          // A function gone (cleared by a migration) ran nothing: it is defined again.
          const answered = await client.query(call, params, RESULTS).catch(undefinedIfGone);
          if (answered) {
            return answered;
          }
          known.delete(name);
        }
        // Gone between the definition and the call (a concurrent clear): nothing committed, once more.
        return defineAndCall().catch((err: unknown) => undefinedIfGone(err) ?? defineAndCall());
      });
    },
  };
}
