import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EventQueue } from "../adapters/queue/event-queue";
import type { EventMessage } from "../core/events/event-message";
import type { AttemptOutcome } from "../core/events/retry-policy";
import { consumeBatch } from "./consumer";
import type { AttemptRecord, ClaimedDelivery, EventDeliveryStore } from "./ports";

const EVENT = "0195f3c2-7b1e-7c3a-9d4e-2f6a8b0c1d2e";
const DELIVERY = "0195f3c2-7b1e-7c3a-9d4e-2f6a8b0c1d2f";

const claimed = (id: string, attempts: number): ClaimedDelivery => ({
  id,
  attempts,
  url: "https://hooks.example.com/x",
  secret: "whsec_AAAA",
  fields: null,
  event: {
    id: EVENT,
    type: "contact.metadata_updated",
    contactId: crypto.randomUUID(),
    seq: 1,
    payload: { changes: [] },
    actor: { api_key_prefix: "cmk_test" },
    requestId: "r",
    createdAt: new Date().toISOString(),
  },
});

function batchOf(messages: unknown[], attempts = 1) {
  return createMessageBatch(
    "contact-events",
    messages.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
}

function recordingQueue() {
  const sent: { body: EventMessage; delaySeconds?: number }[] = [];
  const queue = {
    sendBatch: async (messages: Iterable<MessageSendRequest<EventMessage>>) => {
      for (const m of messages) {
        sent.push({ body: m.body, ...(m.delaySeconds ? { delaySeconds: m.delaySeconds } : {}) });
      }
    },
  } as unknown as EventQueue;
  return { queue, sent };
}

describe("the queue consumer", () => {
  it("claims what the batch names, records each outcome and queues each retry with its wait", async () => {
    const claims: { eventIds: readonly string[]; deliveryIds: readonly string[] }[] = [];
    const records: AttemptRecord[] = [];
    const store: EventDeliveryStore = {
      claim: async ({ eventIds, deliveryIds }) => {
        claims.push({ eventIds, deliveryIds });
        return [
          claimed("a0000000-0000-4000-8000-000000000001", 0),
          claimed("a0000000-0000-4000-8000-000000000002", 2),
        ];
      },
      record: async (attempts) => {
        records.push(...attempts);
      },
    };
    const outcomes: Record<string, AttemptOutcome> = {
      "a0000000-0000-4000-8000-000000000001": { kind: "response", status: 503 },
      "a0000000-0000-4000-8000-000000000002": { kind: "response", status: 204 },
    };
    const { queue, sent } = recordingQueue();
    const batch = batchOf([{ kind: "event", id: EVENT }, { kind: "delivery", id: DELIVERY }, { junk: true }]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, {
      store,
      queue,
      attempt: async (d) => outcomes[d.id] ?? { kind: "network" },
      retryDelays: [7, 60],
      log: () => undefined,
    });
    expect(claims).toEqual([{ eventIds: [EVENT], deliveryIds: [DELIVERY] }]);
    expect(records).toEqual([
      {
        id: "a0000000-0000-4000-8000-000000000001",
        status: "pending",
        responseCode: 503,
        error: null,
        delaySeconds: 7,
      },
      {
        id: "a0000000-0000-4000-8000-000000000002",
        status: "delivered",
        responseCode: 204,
        error: null,
        delaySeconds: 0,
      },
    ]);
    expect(sent).toEqual([
      { body: { kind: "delivery", id: "a0000000-0000-4000-8000-000000000001" }, delaySeconds: 7 },
    ]);
    const result = await getQueueResult(batch, ctx);
    expect(result.ackAll).toBe(true);
    expect(result.retryBatch.retry).toBe(false);
  });

  it("with the database unreachable, acknowledges nothing and has the batch redelivered later", async () => {
    const store: EventDeliveryStore = {
      claim: async () => Promise.reject(new Error("database unavailable")),
      record: async () => undefined,
    };
    const { queue, sent } = recordingQueue();
    const real = batchOf([{ kind: "event", id: EVENT }], 3);
    // The test batch does not keep retryAll's options: watch them on the way through.
    const retries: (QueueRetryOptions | undefined)[] = [];
    const batch = Object.assign(Object.create(real) as MessageBatch<unknown>, {
      retryAll: (options?: QueueRetryOptions) => {
        retries.push(options);
        real.retryAll(options);
      },
    });
    const ctx = createExecutionContext();
    await consumeBatch(batch, {
      store,
      queue,
      attempt: async () => ({ kind: "network" }),
      retryDelays: [1],
      log: () => undefined,
    });
    const result = await getQueueResult(real, ctx);
    expect(result.ackAll).toBe(false);
    expect(result.retryBatch.retry).toBe(true);
    // Backs off with the messages' attempts: 30 s, 60 s, 120 s… (3rd attempt here).
    expect(retries).toEqual([{ delaySeconds: 120 }]);
    expect(sent).toEqual([]);
  });
});
