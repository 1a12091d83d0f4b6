import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        plugins: [
          // The function form runs after globalSetup, so inject() sees the ports it provided.
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                // Never dialled: LOCAL_NEON_SQL_ENDPOINT sends every query to the local proxy.
                DATABASE_URL: "postgresql://postgres:postgres@db.localtest.me:5432/app",
                LOCAL_NEON_SQL_ENDPOINT: inject("neonSqlEndpoint"),
                // The real openai SDK against the local fake, so prompts, parsing and timeouts are exercised.
                OPENAI_API_KEY: "test-key",
                OPENAI_BASE_URL: inject("llmBaseUrl"),
                OPENAI_MODEL: "fake-model",
                LLM_TIMEOUT_MS: "1500",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/node/**"],
        },
      },
      // CLI and local tooling run in Node, as they do for people.
      { extends: true, test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node" } },
    ],
  },
});
