import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MIGRATIONS_FOLDER = new URL("../../migrations", import.meta.url).pathname;

/** Applies drizzle-kit's migrations over a direct TCP connection (local Postgres or a Neon URL). */
export async function migrateDatabase(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // Concurrent starters (dev + tests) must not race on the same schema.
    await client.query("SET client_min_messages = warning");
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}
