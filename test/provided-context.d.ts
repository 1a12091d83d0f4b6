import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT/sql` of the local Neon proxy. */
    neonSqlEndpoint: string;
    proxyUrl: string;
    /** Direct TCP URL of the throwaway Postgres (for Node-side tests). */
    databaseUrl: string;
    /** The fake OpenAI-compatible server: `baseURL` for the SDK, `url` for its /__control API. */
    llmBaseUrl: string;
    llmUrl: string;
    /** The LLM Worker, bundled for miniflare (auxiliary workers take built JavaScript). */
    llmMatcherScript: string;
    /** The events Worker (queue consumer), bundled for miniflare. */
    eventsWorkerScript: string;
    /** `http://127.0.0.1:PORT` of the scripted webhook receiver (scripts/local/webhook-receiver.ts). */
    receiverUrl: string;
    /** wrangler.toml rewritten as JSON into a folder without `.dev.vars` (see test/global-setup.ts). */
    wranglerConfigPath: string;
  }
}
