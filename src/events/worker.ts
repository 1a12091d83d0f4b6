// The events Worker: delivers contact change events to the tenants' webhook endpoints. It
// consumes the `contact-events` queue (fed by the API Worker after each committed change, by its
// own delayed retries, and by the API Worker's sweep). Its own Worker, so the signing library,
// the retry logic and outbound HTTP never weigh on the API Worker that serves every request.
import * as z from "zod/mini";
import { createDatabase } from "../adapters/db/client";
import { createEventDeliveryStore } from "../adapters/db/event-delivery-store";
import type { EventQueue } from "../adapters/queue/event-queue";
import { parseRetryDelays } from "../core/events/retry-policy";
import { consumeBatch } from "./consumer";
import { attemptDelivery } from "./deliver";
import type { EventDeliveryStore } from "./ports";

export interface EventsBindings {
  DATABASE_URL?: string;
  /** Local-only (`.dev.vars`, test bindings): where the local Neon proxy listens. */
  LOCAL_NEON_SQL_ENDPOINT?: string;
  /** Local-only: lets endpoints on 127.0.0.1/localhost be dialled over http. */
  LOCAL_ALLOW_LOOPBACK_WEBHOOKS?: string;
  /** Comma-separated waits between attempts; default 5 s … 10 h (see retry-policy.ts). */
  EVENTS_RETRY_DELAYS_SECONDS?: string;
  /** Per attempt; default 10000. */
  EVENTS_DELIVERY_TIMEOUT_MS?: string;
  EVENTS_QUEUE?: EventQueue;
}

const EventsConfigSchema = z.object({
  DATABASE_URL: z.url(),
  LOCAL_NEON_SQL_ENDPOINT: z.optional(z.url()),
  LOCAL_ALLOW_LOOPBACK_WEBHOOKS: z.optional(z.string()),
  EVENTS_RETRY_DELAYS_SECONDS: z.optional(z.string()),
  EVENTS_DELIVERY_TIMEOUT_MS: z._default(
    z.coerce.number().check(z.int(), z.positive(), z.lte(30_000)),
    10_000,
  ),
});

interface EventsServices {
  store: EventDeliveryStore;
  allowLoopback: boolean;
  retryDelays: readonly number[];
  timeoutMs: number;
}

/** Built once per isolate, like the API Worker's services: the env object lives as long. */
const perEnv = new WeakMap<object, EventsServices>();

function servicesFor(env: EventsBindings): EventsServices {
  const known = perEnv.get(env);
  if (known) {
    return known;
  }
  const config = z.parse(EventsConfigSchema, env);
  const built = {
    store: createEventDeliveryStore(createDatabase(config.DATABASE_URL, config.LOCAL_NEON_SQL_ENDPOINT)),
    allowLoopback: config.LOCAL_ALLOW_LOOPBACK_WEBHOOKS === "true",
    retryDelays: parseRetryDelays(config.EVENTS_RETRY_DELAYS_SECONDS),
    timeoutMs: config.EVENTS_DELIVERY_TIMEOUT_MS,
  };
  perEnv.set(env, built);
  return built;
}

/** Ids and counts only: URLs, secrets and payloads are the tenant's. */
const log = (event: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ event, ...fields }));

export default {
  async queue(batch, env) {
    const services = servicesFor(env);
    await consumeBatch(batch, {
      store: services.store,
      queue: env.EVENTS_QUEUE,
      retryDelays: services.retryDelays,
      log,
      attempt: (delivery) =>
        attemptDelivery(delivery, {
          fetch: (input, init) => fetch(input, init),
          timeoutMs: services.timeoutMs,
          allowLoopback: services.allowLoopback,
          now: () => new Date(),
        }),
    });
  },

  // Only its queue reaches this Worker; it serves no HTTP.
  fetch: () => new Response("not found", { status: 404 }),
} satisfies ExportedHandler<EventsBindings, unknown>;
