// Runs in Node once per vitest project: a throwaway Postgres, migrated, behind the local Neon proxy.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import * as z from "zod/mini";
import { buildAssets } from "../scripts/lib/assets";
import { buildEventsWorker } from "../scripts/lib/build-events-worker";
import { buildLlmMatcher } from "../scripts/lib/build-llm-matcher";
import { startLocalStack } from "../scripts/lib/local-stack";

export default async function setup(project: TestProject) {
  // wrangler.toml's [assets] directory must exist before the vitest plugin (or wrangler dev) reads it.
  await buildAssets();
  const stack = await startLocalStack({
    persistent: false,
    // Unscripted calls (tests that did not put a token in their definitions) map nothing.
    llm: { respond: () => ({ kind: "content", content: JSON.stringify({ mappings: [], extracted: [] }) }) },
    // Where the events Worker delivers in the events project: a real HTTP server on 127.0.0.1.
    receiver: true,
  });
  const { postgres, proxy, llm, receiver } = stack;
  if (!receiver) {
    throw new Error("the local stack started no webhook receiver");
  }

  project.provide("neonSqlEndpoint", proxy.sqlEndpoint);
  project.provide("proxyUrl", proxy.url);
  project.provide("databaseUrl", postgres.connectionString);
  project.provide("llmBaseUrl", llm.baseURL);
  project.provide("llmUrl", llm.url);
  project.provide("receiverUrl", receiver.url);
  // Inside the project: miniflare names modules relative to the root and fails on paths outside it.
  const llmMatcherScript = `./.wrangler/tmp/llm-matcher-${randomUUID()}.js`;
  const eventsWorkerScript = `./.wrangler/tmp/events-${randomUUID()}.js`;
  await Promise.all([buildLlmMatcher(llmMatcherScript), buildEventsWorker(eventsWorkerScript)]);
  project.provide("llmMatcherScript", llmMatcherScript);
  project.provide("eventsWorkerScript", eventsWorkerScript);
  project.provide("wranglerConfigPath", await isolatedWranglerConfig());

  return async () => {
    await rm(llmMatcherScript, { force: true });
    await rm(eventsWorkerScript, { force: true });
    await stack.stop();
  };
}

/**
 * wrangler.toml, as JSON, in a folder of its own. wrangler (and so the vitest plugin, which offers
 * no switch for it) loads `.dev.vars` from beside the config file it is given: with the repo's own
 * config, every test project took the settings `npm run dev` writes there, and logged "Using
 * secrets defined in .dev.vars" once per project. Relative paths become absolute; nothing else
 * changes, so the bindings under test are still wrangler.toml's.
 */
async function isolatedWranglerConfig(): Promise<string> {
  const { rawConfig, configPath } = await readWranglerConfig();
  const root = resolve(configPath, "..");
  const config = {
    ...rawConfig,
    main: resolve(root, rawConfig.main),
    assets: { ...rawConfig.assets, directory: resolve(root, rawConfig.assets.directory) },
  };
  const dir = resolve(root, ".wrangler", "vitest");
  await mkdir(dir, { recursive: true });
  const path = join(dir, "wrangler.json");
  // Every project's setup writes the same text; a rename never leaves a half-written file.
  const partial = `${path}.${randomUUID()}`;
  await writeFile(partial, `${JSON.stringify(config, null, 2)}\n`);
  await rename(partial, path);
  return path;
}

const RawConfigSchema = z.object({
  configPath: z.string(),
  rawConfig: z.looseObject({ main: z.string(), assets: z.looseObject({ directory: z.string() }) }),
});

/**
 * wrangler.toml as wrangler itself reads it, in a plain Node child process. Imported here instead,
 * wrangler's 10 MB bundle went through vitest's module runner (transformed, source-mapped): about
 * 28 s of CPU in every project's setup, most of the suite's start-up on 2 cores. The child takes 2 s.
 */
async function readWranglerConfig(): Promise<z.infer<typeof RawConfigSchema>> {
  const script = `const { experimental_readRawConfig } = await import("wrangler");
const { rawConfig, configPath } = experimental_readRawConfig({ config: "wrangler.toml" });
process.stdout.write(JSON.stringify({ rawConfig, configPath }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return z.parse(RawConfigSchema, JSON.parse(stdout));
}
