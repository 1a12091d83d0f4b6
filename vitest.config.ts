import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    // The function form runs after globalSetup, so inject() sees the ports it provided.
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          // The host is never dialled: LOCAL_NEON_SQL_ENDPOINT sends every query to the local proxy.
          DATABASE_URL: "postgresql://postgres:postgres@db.localtest.me:5432/app",
          LOCAL_NEON_SQL_ENDPOINT: inject("neonSqlEndpoint"),
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
