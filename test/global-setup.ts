// Runs in Node once per vitest project: a throwaway Postgres, migrated, behind the local Neon proxy.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { buildAssets } from "../scripts/lib/assets";
import { buildLlmMatcher } from "../scripts/lib/build-llm-matcher";
import { startLocalStack } from "../scripts/lib/local-stack";

export default async function setup(project: TestProject) {
  // wrangler.toml's [assets] directory must exist before the vitest plugin (or wrangler dev) reads it.
  await buildAssets();
  const stack = await startLocalStack({
    persistent: false,
    // Unscripted calls (tests that did not put a token in their definitions) map nothing.
    llm: { respond: () => ({ kind: "content", content: JSON.stringify({ mappings: [], extracted: [] }) }) },
  });
  const { postgres, proxy, llm } = stack;

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
    await stack.stop();
  };
}
