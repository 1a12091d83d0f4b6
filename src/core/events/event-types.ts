/**
 * Change events (issue 16): what a webhook endpoint can subscribe to and what an event row holds.
 * Its own module, without drizzle: the routes, the services and the events Worker need these
 * types, not the table builders of src/db/schema.ts (which would land in the API Worker's bundle).
 */
export const CONTACT_EVENT_TYPES = ["contact.created", "contact.metadata_updated"] as const;
export type ContactEventType = (typeof CONTACT_EVENT_TYPES)[number];

export interface EventChange {
  key: string;
  old_value: string | null;
  new_value: string | null;
}

/** A contact's own columns as it was created. */
export interface CreatedContact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/**
 * `contact_events.payload`: the changed values, sorted by key. `contact.created` adds the new
 * contact's columns, and its `changes` are the metadata it was created with.
 */
export interface EventPayload {
  changes: EventChange[];
  contact?: CreatedContact;
}

/** Who made the change: an API key (by its visible prefix) or a form builder's webhook URL. */
export type EventActor = { api_key_prefix: string } | { webhook_id: string };
