import { type EventQueue, sendEventMessages } from "../adapters/queue/event-queue";
import { parseEventMessage } from "../core/events/event-message";
import { type AttemptOutcome, nextStep } from "../core/events/retry-policy";
import type { AttemptRecord, ClaimedDelivery, EventDeliveryStore } from "./ports";

/**
 * How long a claimed delivery belongs to the invocation that claimed it: a consumer invocation
 * may run 15 minutes, so until then no sweep or duplicate message sends it again. Past it, an
 * attempt that never reported (the invocation died) is taken up again by the sweep.
 */
export const LEASE_SECONDS = 15 * 60;

/** Workers runs 6 connections at once per invocation; more would only queue inside fetch, on the clock of their timeouts. */
const CONCURRENT_ATTEMPTS = 6;

export interface ConsumerDeps {
  store: EventDeliveryStore;
  /** Where retries go as delayed messages; without it the sweep finds them when they fall due. */
  queue: EventQueue | undefined;
  attempt: (delivery: ClaimedDelivery) => Promise<AttemptOutcome>;
  retryDelays: readonly number[];
  log: (event: string, fields?: Record<string, unknown>) => void;
}

/**
 * One queue batch: fan its events out, claim its due deliveries, POST each once, record every
 * outcome in one statement, and send one delayed message per delivery to retry. The queue's own
 * retry is kept for when the database fails us: the work is then redone from the same ids.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, deps: ConsumerDeps): Promise<void> {
  const eventIds: string[] = [];
  const deliveryIds: string[] = [];
  for (const message of batch.messages) {
    const parsed = parseEventMessage(message.body);
    if (!parsed) {
      deps.log("events_message_ignored", { message_id: message.id });
      continue;
    }
    (parsed.kind === "event" ? eventIds : deliveryIds).push(parsed.id);
  }
  try {
    await deliver(deps, eventIds, deliveryIds);
    batch.ackAll();
  } catch (err) {
    const attempts = Math.max(1, ...batch.messages.map((m) => m.attempts));
    deps.log("events_batch_retried", { error: err instanceof Error ? err.name : "unknown", attempts });
    batch.retryAll({ delaySeconds: Math.min(30 * 2 ** (attempts - 1), 3600) });
  }
}

async function deliver(deps: ConsumerDeps, eventIds: string[], deliveryIds: string[]): Promise<void> {
  const claimed = await deps.store.claim({ eventIds, deliveryIds, leaseSeconds: LEASE_SECONDS });
  const outcomes = await mapConcurrently(claimed, CONCURRENT_ATTEMPTS, deps.attempt);
  const records = claimed.map((delivery, i) => toRecord(delivery, outcomes[i] ?? { kind: "network" }, deps));
  await deps.store.record(records);
  const retries = records.flatMap((r) =>
    r.status === "pending"
      ? [{ body: { kind: "delivery" as const, id: r.id }, delaySeconds: r.delaySeconds }]
      : [],
  );
  if (retries.length > 0 && deps.queue) {
    try {
      await sendEventMessages(deps.queue, retries);
    } catch (err) {
      // Recorded as pending with its due time: the sweep re-sends it once it is overdue.
      deps.log("events_retry_enqueue_failed", { error: err instanceof Error ? err.name : "unknown" });
    }
  }
}

function toRecord(delivery: ClaimedDelivery, outcome: AttemptOutcome, deps: ConsumerDeps): AttemptRecord {
  const step = nextStep(delivery.attempts, outcome, deps.retryDelays);
  return {
    id: delivery.id,
    status: step.status,
    responseCode: outcome.kind === "response" ? outcome.status : null,
    error: outcome.kind === "response" ? null : outcome.kind === "refused" ? "url_refused" : outcome.kind,
    delaySeconds: step.status === "pending" ? step.delaySeconds : 0,
  };
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
