// Runs in Node once per vitest project: a throwaway Postgres, migrated, behind the local Neon proxy.
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../scripts/lib/migrate";
import { startNeonProxy } from "../scripts/local/neon-proxy";
import { startPostgres } from "../scripts/local/postgres";

export default async function setup(project: TestProject) {
  // Under the world-traversable tmp dir: Postgres runs as its own user and must reach its data dir.
  const parent = join(tmpdir(), "contact-metadata-tests");
  await mkdir(parent, { recursive: true, mode: 0o755 });
  const postgres = await startPostgres({ dataDir: join(parent, `pg-${randomUUID()}`), persistent: false });
  await migrateDatabase(postgres.connectionString);
  const proxy = await startNeonProxy({ connectionString: postgres.connectionString });

  project.provide("neonSqlEndpoint", proxy.sqlEndpoint);
  project.provide("proxyUrl", proxy.url);
  project.provide("databaseUrl", postgres.connectionString);

  return async () => {
    await proxy.stop();
    await postgres.stop();
  };
}
