import { invalidInput } from "../errors";
import { toFieldKey } from "../fields/field-key";
import { CONTACT_EVENT_TYPES, type ContactEventType } from "./event-types";

/** Bounds the fan-out of one event (one POST per endpoint); the check is per statement, not locked. */
export const MAX_ENDPOINTS_PER_TENANT = 20;

/**
 * What an endpoint hears, as stored: every event type when none is named; field keys in their
 * snake_case form (as metadata keys are stored and compared), once each; no fields: every field.
 */
export function subscriptionOf(input: {
  events?: readonly ContactEventType[] | undefined;
  fields?: readonly string[] | undefined;
}): { events: ContactEventType[]; fields: string[] | null } {
  const fields = input.fields === undefined ? null : [...new Set(input.fields.map(toFieldKey))];
  if (fields?.some((f) => f === "")) {
    throw invalidInput("fields: a field key converts to an empty key");
  }
  return {
    events: input.events === undefined ? [...CONTACT_EVENT_TYPES] : [...new Set(input.events)],
    fields,
  };
}
