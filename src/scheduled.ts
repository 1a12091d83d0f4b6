import { createDatabase } from "./adapters/db/client";
import { createOutboxSweepStore } from "./adapters/db/outbox-sweep";
import { createEventPublisher } from "./adapters/queue/event-queue";
import { type Bindings, ConfigSchema } from "./env";
import { sweepLostEvents } from "./services/events";

/**
 * The API Worker's Cron Trigger (every minute, wrangler.toml): the outbox sweep. Here rather than
 * in the events Worker because this Worker already holds the database and the queue producer, and
 * because `npm run dev` can trigger a scheduled event only on the Worker that owns its port. It is
 * one statement and a send: a few hundred bytes of this bundle.
 */
export async function runScheduled(env: Bindings): Promise<void> {
  const config = ConfigSchema.parse(env);
  if (!env.EVENTS_QUEUE) {
    throw new Error("EVENTS_QUEUE is not bound: events cannot be re-enqueued");
  }
  const swept = await sweepLostEvents({
    outbox: createOutboxSweepStore(createDatabase(config.DATABASE_URL, config.LOCAL_NEON_SQL_ENDPOINT)),
    events: createEventPublisher(env.EVENTS_QUEUE),
  });
  if (swept.events > 0 || swept.deliveries > 0) {
    console.log(JSON.stringify({ event: "events_swept", ...swept }));
  }
}
