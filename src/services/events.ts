import type { EventMessage } from "../core/events/event-message";
import type { Deps } from "./deps";
import type { EventPublisher, OutboxSweepStore } from "./ports";

/**
 * Hands committed outbox rows (or due deliveries) to the events queue after the response: the
 * answer never waits for the queue, and a send that fails (or an isolate that dies first) loses
 * nothing, because the rows are committed already and the sweep enqueues whatever did not arrive.
 */
export function publishAfterResponse(
  deps: Pick<Deps, "events" | "defer" | "log">,
  messages: readonly EventMessage[],
): void {
  if (messages.length === 0) {
    return;
  }
  deps.defer(() =>
    deps.events.send(messages).catch((err: unknown) => deps.log("events_enqueue_failed", err)),
  );
}

/** The outbox rows a write statement committed (its `eventIds`), to the queue after the response. */
export function publishCommittedEvents(
  deps: Pick<Deps, "events" | "defer" | "log">,
  eventIds: readonly string[],
): void {
  publishAfterResponse(
    deps,
    eventIds.map((id) => ({ kind: "event", id })),
  );
}

/**
 * Past this, an outbox row that was not fanned out, or a delivery not attempted when due, is
 * taken as lost (the request's isolate died before its send, a send failed, a message was
 * dropped after its retries). Long enough that the normal path (a second or two) never races it.
 */
export const SWEEP_GRACE_SECONDS = 60;
/** Per run (every minute): a backlog drains over a few runs instead of one huge send. */
export const SWEEP_LIMIT = 1000;

/**
 * The Cron Trigger's work: re-enqueue whatever the queue never carried to the events Worker. The
 * rows are marked re-sent by the statement that finds them, so the next run leaves them alone for
 * another grace period; a duplicate message is harmless (the consumer claims in the database).
 */
export async function sweepLostEvents(deps: {
  outbox: OutboxSweepStore;
  events: EventPublisher;
}): Promise<{ events: number; deliveries: number }> {
  const { eventIds, deliveryIds } = await deps.outbox.sweep({
    graceSeconds: SWEEP_GRACE_SECONDS,
    limit: SWEEP_LIMIT,
  });
  await deps.events.send([
    ...eventIds.map((id) => ({ kind: "event" as const, id })),
    ...deliveryIds.map((id) => ({ kind: "delivery" as const, id })),
  ]);
  return { events: eventIds.length, deliveries: deliveryIds.length };
}
