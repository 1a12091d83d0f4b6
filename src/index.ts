import { createApp } from "./app";
import type { Bindings } from "./env";
import { runScheduled } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  // The outbox sweep (Cron Trigger, wrangler.toml).
  scheduled: async (_controller, env) => runScheduled(env),
} satisfies ExportedHandler<Bindings>;
