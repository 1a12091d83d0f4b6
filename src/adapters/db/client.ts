import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";

export type Database = NeonHttpDatabase;

/**
 * One HTTP round trip per statement or batch. `localSqlEndpoint` comes only from local config
 * (`.dev.vars`, test bindings); production has no such variable, so it always talks to Neon.
 */
export function createDatabase(databaseUrl: string, localSqlEndpoint?: string): Database {
  if (localSqlEndpoint) {
    neonConfig.fetchEndpoint = localSqlEndpoint;
  }
  return drizzle({ client: neon(databaseUrl) });
}
