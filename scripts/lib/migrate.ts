import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MIGRATIONS_FOLDER = new URL("../../migrations", import.meta.url).pathname;

/**
 * Applies drizzle-kit's migrations over a direct TCP connection (local Postgres or a Neon URL),
 * then clears the stored statements.
 */
export async function migrateDatabase(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // Concurrent starters (dev + tests) must not race on the same schema.
    await client.query("SET client_min_messages = warning");
    // Before too: a stored statement depends on the types it takes, which a migration may change.
    // (A DO block: before migration 0010 the function does not exist, and a plain call would not parse.)
    await client.query(
      "DO $$ BEGIN IF to_regproc('stored.clear') IS NOT NULL THEN PERFORM stored.clear(); END IF; END $$",
    );
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    // Stored statements are made from the deployed code's statement texts; a migration may change
    // what they were planned against, and texts no code sends any more must not pile up. Each
    // isolate defines what it sends again, once (migrations/0010_stored_statements.sql).
    await client.query("SELECT stored.clear()");
  } finally {
    await client.end();
  }
}
