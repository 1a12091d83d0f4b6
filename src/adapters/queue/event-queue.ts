import type { EventMessage } from "../../core/events/event-message";
import { MAX_DELAY_SECONDS } from "../../core/events/retry-policy";
import type { EventPublisher } from "../../services/ports";

export type EventQueue = Queue<EventMessage>;

/** Queues caps a sendBatch at 100 messages. */
const MAX_BATCH = 100;

/** Sends in batches of 100; a delay (a retry's wait) is capped at the queue's 12 hours. */
export async function sendEventMessages(
  queue: EventQueue,
  messages: readonly { body: EventMessage; delaySeconds?: number }[],
): Promise<void> {
  for (let start = 0; start < messages.length; start += MAX_BATCH) {
    await queue.sendBatch(
      messages.slice(start, start + MAX_BATCH).map(({ body, delaySeconds }) => ({
        body,
        contentType: "json" as const,
        ...(delaySeconds ? { delaySeconds: Math.min(Math.ceil(delaySeconds), MAX_DELAY_SECONDS) } : {}),
      })),
    );
  }
}

/**
 * The events queue as the services see it. Without a binding (a deploy that has no queue yet),
 * nothing is sent: the rows are committed anyway, and only the sweep would carry them.
 */
export function createEventPublisher(queue: EventQueue | undefined): EventPublisher {
  return {
    send: async (messages) => {
      if (queue && messages.length > 0) {
        await sendEventMessages(
          queue,
          messages.map((body) => ({ body })),
        );
      }
    },
  };
}
