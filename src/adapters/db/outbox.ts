import { type SQL, sql } from "drizzle-orm";

/**
 * The transactional outbox of the update statement (metadata-store.ts `apply`): CTEs appended to
 * its WITH list, so the change events are written by the statement that writes the values (one
 * round trip, one transaction: no change without its event, no event without its change).
 *
 * It reads these CTEs of that statement, by name, and nothing else of it:
 *   auth      (api_key_id, webhook_id)                    the caller
 *   born      (id, tenant_id, name, email, phone, event_seq)  contacts the statement creates
 *   identified (id, created, contact)                    contacts created by identity claims
 *   resolved  (c, k, v)                                   contact, key, value of each write
 *   upserted  (contact_id, key, old_value)                values written (old_value null: inserted)
 *   cleared   (contact_id, key, old_value)                values deleted
 * Its last CTE is `outbox_events` (the new rows' ids); select OUTBOX_IDS_COLUMN to get them back.
 *
 * Events:
 * - `contact.metadata_updated`: one per existing contact whose values actually changed (a value
 *   written again unchanged is no change; a contact with no change gets no event), listing only
 *   the changed keys, sorted by key.
 * - `contact.created`: one per born contact, sequence 1, carrying its columns and, as `changes`,
 *   the metadata it was created with; it gets no metadata_updated event of its own. Born rows are
 *   invisible to the statement's snapshot (so they are never locked or updated below): everything
 *   about them comes from born's RETURNING rows, and born inserts them with event_seq = 1.
 *
 * Sequences: `UPDATE contacts SET event_seq = event_seq + 1` under the row lock taken just before,
 * held to commit, so concurrent writers of one contact take their numbers in commit order,
 * gap-free, and a writer that waited sees the committed old values (READ COMMITTED re-reads the
 * locked rows). The contacts are locked only after every upsert and delete has run (the sort
 * under the lock reads them all first), so a writer never holds a contact while waiting for a value
 * row, and in id order, so two bulk writes of the same contacts cannot lock them crosswise.
 */
export function updateOutboxCtes(requestId: string): SQL {
  return sql`outbox_changes AS (
    SELECT u.contact_id, u.key, u.old_value, r.v AS new_value
    FROM upserted u JOIN resolved r ON r.c = u.contact_id AND r.k = u.key
    WHERE u.old_value IS DISTINCT FROM r.v
    UNION ALL
    SELECT cl.contact_id, cl.key, cl.old_value, NULL::text FROM cleared cl
  ),
  outbox_locked AS (
    SELECT c.id FROM contacts c
    WHERE c.id IN (SELECT contact_id FROM outbox_changes)
    ORDER BY c.id
    FOR NO KEY UPDATE OF c
  ),
  outbox_contacts AS (
    UPDATE contacts c SET updated_at = now(), event_seq = c.event_seq + 1
    FROM outbox_locked l WHERE c.id = l.id
    RETURNING c.id, c.tenant_id, c.event_seq
  ),
  outbox_rows AS (
    SELECT oc.tenant_id, oc.id AS contact_id, oc.event_seq AS seq, 'contact.metadata_updated' AS type,
      NULL::jsonb AS contact
    FROM outbox_contacts oc
    UNION ALL
    SELECT b.tenant_id, b.id, b.event_seq, 'contact.created',
      jsonb_build_object('name', b.name, 'email', b.email, 'phone', b.phone)
    FROM born b
    UNION ALL
    -- Contacts created by an identity claim (upserts, POST /contact with an email or phone), which
    -- the identity CTEs insert with event_seq 1, as born does.
    SELECT a.tenant_id, i.id, 1, 'contact.created',
      jsonb_build_object('name', i.contact ->> 'name', 'email', i.contact ->> 'email', 'phone', i.contact ->> 'phone')
    FROM identified i, auth a WHERE i.created AND i.id IS NOT NULL
  ),
  outbox_events AS (
    INSERT INTO contact_events (tenant_id, contact_id, seq, type, payload, actor, request_id)
    SELECT e.tenant_id, e.contact_id, e.seq, e.type,
      jsonb_build_object('changes', COALESCE((
        SELECT jsonb_agg(jsonb_build_object('key', ch.key, 'old_value', ch.old_value, 'new_value', ch.new_value)
          ORDER BY ch.key)
        FROM outbox_changes ch WHERE ch.contact_id = e.contact_id), '[]'::jsonb))
        || CASE WHEN e.contact IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('contact', e.contact) END,
      (SELECT CASE WHEN a.webhook_id IS NOT NULL THEN jsonb_build_object('webhook_id', a.webhook_id)
          ELSE jsonb_build_object('api_key_prefix', k.prefix) END
        FROM auth a LEFT JOIN api_keys k ON k.id = a.api_key_id),
      ${requestId}::text
    FROM outbox_rows e
    RETURNING id
  )`;
}

/** A jsonb array of the new events' ids, for the statement's SELECT list. */
export const OUTBOX_IDS_COLUMN = sql.raw(`COALESCE((SELECT jsonb_agg(id) FROM outbox_events), '[]'::jsonb)`);
