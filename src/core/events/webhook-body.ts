import type { ContactEventType, EventActor, EventPayload } from "./event-types";

/** An outbox row as the events Worker reads it back. */
export interface StoredEvent {
  id: string;
  type: ContactEventType;
  contactId: string;
  /** Its place among its contact's events, in commit order (1, 2, 3…). */
  seq: number;
  payload: EventPayload;
  actor: EventActor;
  requestId: string;
  /** ISO 8601: when the change committed. */
  createdAt: string;
}

/**
 * The Standard Webhooks body. Built from stored rows only, so every attempt sends the same bytes.
 * An endpoint with a fields filter sees only the changes to its fields (in contact.created too);
 * `sequence` is the event's place among its contact's events (commit order), for receivers that
 * must apply them in order.
 */
export function webhookBody(event: StoredEvent, fields: readonly string[] | null): string {
  // Rebuilt in the documented key order (jsonb stores object keys in its own order).
  const changes = event.payload.changes
    .filter((change) => !fields || fields.includes(change.key))
    .map(({ key, old_value, new_value }) => ({ key, old_value, new_value }));
  const contact = event.payload.contact;
  return JSON.stringify({
    type: event.type,
    timestamp: event.createdAt,
    data: {
      contact_id: event.contactId,
      sequence: event.seq,
      ...(contact ? { contact: { name: contact.name, email: contact.email, phone: contact.phone } } : {}),
      changes,
      actor: event.actor,
      request_id: event.requestId,
    },
  });
}
