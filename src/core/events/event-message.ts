/**
 * What travels on the `contact-events` queue: ids only. The database holds the event, the
 * endpoints and each delivery's state, so a message lost, duplicated or retried changes nothing
 * but timing: the consumer claims work in the database, and the sweep finds what no message
 * announced.
 */
export type EventMessage =
  /** A committed outbox row to fan out to the tenant's endpoints. */
  | { kind: "event"; id: string }
  /** A delivery whose next attempt is due (a retry, a manual resend, or one the sweep found). */
  | { kind: "delivery"; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Anything else on the queue is not ours to act on (and would fail the uuid casts of the batch). */
export function parseEventMessage(body: unknown): EventMessage | undefined {
  if (typeof body !== "object" || body === null) {
    return undefined;
  }
  const { kind, id } = body as { kind?: unknown; id?: unknown };
  if ((kind === "event" || kind === "delivery") && typeof id === "string" && UUID.test(id)) {
    return { kind, id };
  }
  return undefined;
}
