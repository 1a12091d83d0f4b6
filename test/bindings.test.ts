import { env } from "cloudflare:workers";
import { expect, it } from "vitest";

// The tests' wrangler config lives where no `.dev.vars` is (test/global-setup.ts): a developer's
// `npm run dev` settings (OPENAI_API_KEY, ...) must never reach the Worker under test.
it("binds exactly wrangler.toml's bindings and the test settings, nothing from .dev.vars", () => {
  // The pool's own bindings (__VITEST_POOL_WORKERS_...) are not ours to list.
  expect(
    Object.keys(env)
      .filter((name) => !name.startsWith("__VITEST_POOL_WORKERS_"))
      .sort(),
  ).toEqual([
    "API_KEY_RATE_LIMITER",
    "ASSETS",
    "CHECK_RESPONSES",
    "CLIENT_RATE_LIMITER",
    "DATABASE_URL",
    "EVENTS_QUEUE",
    "FIELDS_KV",
    "LLM_MATCHER",
    "LOCAL_ALLOW_LOOPBACK_WEBHOOKS",
    "LOCAL_NEON_SQL_ENDPOINT",
    "TENANT_RATE_LIMITER",
    "USAGE_EVENTS",
  ]);
});
