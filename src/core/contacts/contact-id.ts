const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Contact ids are UUIDs, which are case-insensitive: `3F1C…` and `3f1c…` are one contact. Anything
 * that is not a UUID is kept as sent: it names no contact, and the caller gets a 404 for it.
 */
export const canonicalContactId = (id: string): string => (UUID.test(id) ? id.toLowerCase() : id);
