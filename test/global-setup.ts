// Runs in Node once per vitest project: a throwaway Postgres, migrated, behind the local Neon proxy.
import { randomUUID } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildLlmMatcher } from "../scripts/lib/build-llm-matcher";
import { migrateDatabase } from "../scripts/lib/migrate";
import { startFakeLlm } from "../scripts/local/fake-llm";
import { startNeonProxy } from "../scripts/local/neon-proxy";
import { startPostgres } from "../scripts/local/postgres";

export default async function setup(project: TestProject) {
  // Under the world-traversable tmp dir: Postgres runs as its own user and must reach its data dir.
  const parent = join(tmpdir(), "contact-metadata-tests");
  await mkdir(parent, { recursive: true, mode: 0o755 });
  const postgres = await startPostgres({ dataDir: join(parent, `pg-${randomUUID()}`), persistent: false });
  await migrateDatabase(postgres.connectionString);
  const proxy = await startNeonProxy({ connectionString: postgres.connectionString });
  // Unscripted calls (tests that did not put a token in their definitions) map nothing.
  const llm = await startFakeLlm({
    respond: () => ({ kind: "content", content: JSON.stringify({ mappings: [], extracted: [] }) }),
  });

  project.provide("neonSqlEndpoint", proxy.sqlEndpoint);
  project.provide("proxyUrl", proxy.url);
  project.provide("databaseUrl", postgres.connectionString);
  project.provide("llmBaseUrl", llm.baseURL);
  project.provide("llmUrl", llm.url);
  // Inside the project: miniflare names modules relative to the root and fails on paths outside it.
  const llmMatcherScript = `./.wrangler/tmp/llm-matcher-${randomUUID()}.js`;
  await buildLlmMatcher(llmMatcherScript);
  project.provide("llmMatcherScript", llmMatcherScript);

  return async () => {
    await rm(llmMatcherScript, { force: true });
    await llm.stop();
    await proxy.stop();
    await postgres.stop();
  };
}
