import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/** The events Worker's retry waits in the events project: seconds instead of 5 s … 10 h. */
const TEST_RETRY_DELAYS_SECONDS = "1,1,1";
/** Never dialled: LOCAL_NEON_SQL_ENDPOINT sends every query to the local proxy. */
const DATABASE_URL = "postgresql://postgres:postgres@db.localtest.me:5432/app";

/**
 * The events Worker consuming the queue the API Worker produces to (wrangler.events.toml),
 * delivering for real to the receiver of the setup. Only in the events project: elsewhere nothing
 * consumes (messages are dropped), so the consumer's statements never mix into another project's
 * round-trip counts.
 */
const eventsWorker = (inject: (key: "eventsWorkerScript" | "neonSqlEndpoint") => string) => ({
  name: "contact-metadata-events",
  modules: true as const,
  scriptPath: inject("eventsWorkerScript"),
  compatibilityDate: "2026-11-01",
  bindings: {
    DATABASE_URL,
    LOCAL_NEON_SQL_ENDPOINT: inject("neonSqlEndpoint"),
    LOCAL_ALLOW_LOOPBACK_WEBHOOKS: "true",
    EVENTS_RETRY_DELAYS_SECONDS: TEST_RETRY_DELAYS_SECONDS,
    EVENTS_DELIVERY_TIMEOUT_MS: "1000",
  } as Record<string, string>,
  queueProducers: { EVENTS_QUEUE: "contact-events" },
  queueConsumers: { "contact-events": { maxBatchSize: 10, maxBatchTimeout: 0.1, maxRetries: 5 } },
});

/**
 * Tests that run in workerd. globalSetup runs once per project, so each project gets its own
 * Postgres, Neon proxy and fake LLM: the cost project counts round trips and LLM calls with no
 * other test's traffic mixed in.
 */
const workersProject = (
  name: string,
  include: string[],
  {
    exclude = [],
    requestsPerMinute,
    verbose = true,
    events = false,
    maxWorkers,
  }: {
    exclude?: string[];
    requestsPerMinute?: number;
    verbose?: boolean;
    events?: boolean;
    /** 1: the project's files share state, so they run one at a time. */
    maxWorkers?: number;
  } = {},
): TestProjectInlineConfiguration => ({
  extends: true,
  plugins: [
    // The function form runs after globalSetup, so inject() sees the ports it provided.
    cloudflareTest(({ inject }) => ({
      verbose,
      // wrangler.toml as the setup rewrote it into a folder of its own, so that wrangler finds no
      // `.dev.vars` beside it: tests never take the developer's `npm run dev` settings.
      wrangler: { configPath: inject("wranglerConfigPath") },
      miniflare: {
        bindings: {
          DATABASE_URL,
          LOCAL_NEON_SQL_ENDPOINT: inject("neonSqlEndpoint"),
          // Every 2xx body is checked against its route's response schema (src/http/respond.ts).
          CHECK_RESPONSES: "true",
          // Local config, as `npm run dev` sets it: the tests' webhook receiver listens on 127.0.0.1.
          LOCAL_ALLOW_LOOPBACK_WEBHOOKS: "true",
        },
        // Every test request comes from one client address, so the per-client and per-tenant
        // limits of unverified credentials are raised here; the "limits" project makes them tiny.
        ratelimits: {
          API_KEY_RATE_LIMITER: {
            namespace_id: "1001",
            simple: { limit: requestsPerMinute ?? 100_000, period: 60 },
          },
          CLIENT_RATE_LIMITER: {
            namespace_id: "1002",
            simple: { limit: requestsPerMinute ?? 100_000, period: 60 },
          },
          TENANT_RATE_LIMITER: {
            namespace_id: "1003",
            simple: { limit: requestsPerMinute ?? 100_000, period: 60 },
          },
        },
        // The LLM Worker behind the LLM_MATCHER service binding of wrangler.toml, with the real
        // openai SDK pointed at the local fake, so prompts, parsing and timeouts are exercised.
        workers: [
          {
            name: "contact-metadata-llm-matcher",
            modules: true,
            scriptPath: inject("llmMatcherScript"),
            compatibilityDate: "2026-11-01",
            compatibilityFlags: ["nodejs_compat"],
            bindings: {
              OPENAI_API_KEY: "test-key",
              OPENAI_BASE_URL: inject("llmBaseUrl"),
              OPENAI_MODEL: "fake-model",
              LLM_TIMEOUT_MS: "1500",
            },
          },
          // The events Worker consuming the queue the API Worker produces to: events project only.
          ...(events ? [eventsWorker(inject)] : []),
        ],
      },
    })),
  ],
  test: {
    name,
    include,
    exclude,
    globalSetup: ["./test/global-setup.ts"],
    ...(maxWorkers === undefined ? {} : { maxWorkers }),
  },
});

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Test files mostly wait (on Postgres, on locks, on timers): two at a time (vitest's default
    // on 2 cores) left half the machine idle. Projects that share state between their files
    // (a proxy's injected faults, tiny rate limits) run theirs one at a time, after the others.
    maxWorkers: 4,
    projects: [
      workersProject("workers", ["src/**/*.test.ts", "test/**/*.test.ts"], {
        exclude: [
          "test/node/**",
          "test/browser/**",
          "test/cost/**",
          "test/limits/**",
          "test/faults/**",
          "test/events/**",
        ],
      }),
      workersProject("cost", ["test/cost/**/*.test.ts"]),
      // Injects database failures at its own proxy. workerd's --verbose (the plugin's default)
      // prints an "Uncaught (in promise) Network connection lost" trace for every outbound fetch
      // that loses its connection, even one the Worker catches (a bare try/catch around fetch
      // shows it too): here that is each injected fault. A rejection nobody handles still fails
      // the run without it: Vitest reports those itself.
      workersProject("faults", ["test/faults/**/*.test.ts"], { verbose: false, maxWorkers: 1 }),
      // A tiny rate limit, so the 429 path can be reached in a few requests.
      workersProject("limits", ["test/limits/**/*.test.ts"], { requestsPerMinute: 3, maxWorkers: 1 }),
      // Change events end to end: the queue, the events Worker and a real receiver.
      workersProject("events", ["test/events/**/*.test.ts"], { events: true }),
      // CLI and local tooling run in Node, as they do for people.
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/global-setup.ts"],
        },
      },
      // Debian's Chromium against `wrangler dev`: no database, so only the assets are built first.
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/browser/global-setup.ts"],
        },
      },
    ],
  },
});
