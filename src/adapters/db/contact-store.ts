import { type SQL, sql } from "drizzle-orm";
import type { Caller, Contact, ContactStore, StoredField } from "../../core/ports";
import { ApiError } from "../../errors";
import type { Database } from "./client";

/** A uuid that no row has: lets a malformed contact id still go through auth and come out as 404. */
const NO_SUCH_ID = "00000000-0000-0000-0000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const asUuid = (id: string): string => (UUID.test(id) ? id : NO_SUCH_ID);

const iso = (value: unknown): string => new Date(String(value)).toISOString();
const isoOrNull = (value: unknown): string | null => (value == null ? null : iso(value));

interface FieldRow {
  id: string;
  key: string;
  value: string | null;
  custom_field_definition_id: string;
  source_key: string;
  matched_by: StoredField["matched_by"];
  created_at: string | null;
  updated_at: string | null;
}

const toStoredField = (contactId: string, row: FieldRow): StoredField => ({
  id: row.id,
  ai_contact_id: contactId,
  custom_field_definition_id: row.custom_field_definition_id,
  key: row.key,
  value: row.value,
  source_key: row.source_key,
  matched_by: row.matched_by,
  created_at: isoOrNull(row.created_at),
  updated_at: isoOrNull(row.updated_at),
});

const toContact = (row: Record<string, unknown>): Contact => ({
  id: String(row.id),
  name: (row.name as string | null) ?? null,
  email: (row.email as string | null) ?? null,
  phone: (row.phone as string | null) ?? null,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

/**
 * The live credential of the caller (an API key, or a webhook URL token); every statement below
 * starts from it, so auth costs no extra round trip.
 */
export const authCte = (caller: Caller) =>
  caller.via === "webhook"
    ? sql`auth AS (
  SELECT NULL::uuid AS api_key_id, id AS webhook_id, tenant_id FROM webhooks
  WHERE token_hash = ${caller.keyHash} AND tenant_id = ${caller.tenantId}::uuid AND revoked_at IS NULL
)`
    : sql`auth AS (
  SELECT id AS api_key_id, NULL::uuid AS webhook_id, tenant_id FROM api_keys
  WHERE key_hash = ${caller.keyHash} AND tenant_id = ${caller.tenantId}::uuid AND revoked_at IS NULL
)`;

/** Postgres codes meaning "not now" (connection exceptions, shutdowns, too many connections). */
const UNAVAILABLE_CODE = /^(08|57P0[1-3]|53300)/;

/**
 * Drizzle wraps driver errors, so the Postgres code is on `cause`. A driver error without a code
 * never reached Postgres (network, endpoint down): also "try again later", not our bug.
 */
function isUnavailable(err: unknown): boolean {
  const cause = (err as { cause?: unknown }).cause ?? err;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === "string") {
    return UNAVAILABLE_CODE.test(code);
  }
  return cause instanceof Error && cause.name === "NeonDbError";
}

/** Every statement goes through here: an unreachable database is a 503 with Retry-After, not a 500. */
export async function run(db: Database, query: SQL) {
  try {
    return await db.execute(query);
  } catch (err) {
    if (isUnavailable(err)) {
      throw new ApiError("SERVICE_UNAVAILABLE", "the database is unavailable; retry later", undefined, {
        "Retry-After": "5",
      });
    }
    throw err;
  }
}

export function createContactStore(db: Database): ContactStore {
  return {
    async applyMetadata({ caller, requestId, items, deliveryId }) {
      const input = JSON.stringify(
        items.flatMap(({ contactId, writes }) =>
          writes.map((w) => ({
            contact_id: asUuid(contactId),
            key: w.key,
            value: w.value,
            definition_id: w.definitionId,
            source_key: w.sourceKey,
            matched_by: w.matchedBy,
          })),
        ),
      );
      const wanted = JSON.stringify(items.map((item) => asUuid(item.contactId)));
      // One statement, so one round trip and one transaction for any number of contacts: auth,
      // the contact checks, every upsert and clear, and one activity row per contact (with old
      // values from PG 18's RETURNING old.*).
      const result = await run(
        db,
        sql`
        WITH ${authCte(caller)},
        delivery AS (
          -- A webhook submission is applied once: a retry finds its id taken and writes nothing.
          INSERT INTO webhook_deliveries (webhook_id, event_id)
          SELECT auth.webhook_id, ${deliveryId ?? null}::text FROM auth
          WHERE ${deliveryId ?? null}::text IS NOT NULL AND auth.webhook_id IS NOT NULL
          ON CONFLICT DO NOTHING
          RETURNING 1
        ),
        target AS (
          SELECT c.id, c.tenant_id, auth.api_key_id, auth.webhook_id FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id
          WHERE c.id IN (SELECT jsonb_array_elements_text(${wanted}::jsonb)::uuid)
            AND (${deliveryId ?? null}::text IS NULL OR EXISTS (SELECT 1 FROM delivery))
        ),
        input AS (
          SELECT * FROM ROWS FROM (
            jsonb_to_recordset(${input}::jsonb)
              AS (contact_id uuid, key text, value text, definition_id uuid, source_key text, matched_by text)
          ) WITH ORDINALITY AS i(contact_id, key, value, definition_id, source_key, matched_by, ord)
        ),
        upserted AS (
          INSERT INTO contact_field_values AS v
            (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
          SELECT t.tenant_id, t.id, i.definition_id, i.key, i.value, i.source_key, i.matched_by
          FROM input i JOIN target t ON t.id = i.contact_id WHERE i.value IS NOT NULL
          ON CONFLICT (contact_id, key) DO UPDATE SET
            value = excluded.value,
            custom_field_definition_id = excluded.custom_field_definition_id,
            source_key = excluded.source_key,
            matched_by = excluded.matched_by,
            updated_at = now()
          RETURNING new.contact_id, new.id, new.key, new.value, new.custom_field_definition_id, new.source_key,
            new.matched_by, new.created_at, new.updated_at, old.value AS old_value
        ),
        cleared AS (
          DELETE FROM contact_field_values v USING target t, input i
          WHERE v.contact_id = t.id AND i.contact_id = t.id AND v.key = i.key AND i.value IS NULL
          RETURNING v.contact_id, v.id, v.key, v.value AS old_value
        ),
        activity AS (
          INSERT INTO contact_activities (tenant_id, contact_id, api_key_id, webhook_id, request_id, kind, changes)
          SELECT t.tenant_id, t.id, t.api_key_id, t.webhook_id, ${requestId}, 'metadata_updated',
            (SELECT jsonb_agg(jsonb_build_object(
                'key', i.key, 'source_key', i.source_key,
                'old_value', COALESCE(u.old_value, c.old_value), 'new_value', i.value) ORDER BY i.ord)
             FROM input i
             LEFT JOIN upserted u ON u.contact_id = i.contact_id AND u.key = i.key
             LEFT JOIN cleared c ON c.contact_id = i.contact_id AND c.key = i.key
             WHERE i.contact_id = t.id)
          FROM target t WHERE EXISTS (SELECT 1 FROM input i WHERE i.contact_id = t.id)
          RETURNING id
        )
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          (${deliveryId ?? null}::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM delivery)) AS duplicate,
          COALESCE((SELECT jsonb_agg(id) FROM target), '[]'::jsonb) AS found,
          (SELECT count(*) FROM activity) AS activities,
          COALESCE((SELECT jsonb_agg(to_jsonb(u) - 'old_value') FROM upserted u), '[]'::jsonb) AS upserted,
          COALESCE((SELECT jsonb_agg(to_jsonb(c) - 'old_value') FROM cleared c), '[]'::jsonb) AS cleared
      `,
      );
      const row = result.rows[0] as
        | {
            authorized: boolean;
            duplicate: boolean;
            found: string[];
            upserted: (FieldRow & { contact_id: string })[];
            cleared: { contact_id: string; id: string; key: string }[];
          }
        | undefined;
      if (!row?.authorized) {
        return { status: "unauthorized" };
      }
      if (row.duplicate) {
        return { status: "duplicate" };
      }
      const found = new Set(row.found);
      const at = (contactId: string, key: string) => `${contactId}\u0000${key}`;
      const upserted = new Map(row.upserted.map((r) => [at(r.contact_id, r.key), r]));
      const cleared = new Map(row.cleared.map((r) => [at(r.contact_id, r.key), r]));
      const results = items.map(({ contactId, writes }) => {
        if (!found.has(asUuid(contactId))) {
          return null;
        }
        return writes.map((w): StoredField => {
          const stored = upserted.get(at(asUuid(contactId), w.key));
          if (stored) {
            return toStoredField(contactId, stored);
          }
          return {
            id: cleared.get(at(asUuid(contactId), w.key))?.id ?? null,
            ai_contact_id: contactId,
            custom_field_definition_id: w.definitionId,
            key: w.key,
            value: null,
            source_key: w.sourceKey,
            matched_by: w.matchedBy,
            created_at: null,
            updated_at: null,
          };
        });
      });
      return { status: "ok", results };
    },

    async getContactInfo({ caller, contactId }) {
      const result = await run(
        db,
        sql`
        WITH ${authCte(caller)},
        target AS (
          SELECT c.* FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id WHERE c.id = ${asUuid(contactId)}::uuid
        )
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          (SELECT to_jsonb(target) FROM target) AS contact,
          COALESCE((
            SELECT jsonb_agg(to_jsonb(v) ORDER BY v.key)
            FROM contact_field_values v JOIN target ON v.contact_id = target.id
          ), '[]'::jsonb) AS fields
      `,
      );
      const row = result.rows[0] as
        | { authorized: boolean; contact: Record<string, unknown> | null; fields: FieldRow[] }
        | undefined;
      if (!row?.authorized) {
        return { status: "unauthorized" };
      }
      if (!row.contact) {
        return { status: "contact_not_found" };
      }
      const contact = toContact(row.contact);
      return { status: "ok", contact, fields: row.fields.map((f) => toStoredField(contact.id, f)) };
    },

    async createContact({ caller, contact }) {
      const result = await run(
        db,
        sql`
        WITH ${authCte(caller)}
        INSERT INTO contacts (tenant_id, name, email, phone)
        SELECT tenant_id, ${contact.name ?? null}, ${contact.email ?? null}, ${contact.phone ?? null} FROM auth
        RETURNING id, name, email, phone, created_at, updated_at
      `,
      );
      const row = result.rows[0] as Record<string, unknown> | undefined;
      return row ? { status: "ok", contact: toContact(row) } : { status: "unauthorized" };
    },

    async verifyCaller(caller) {
      const result = await run(db, sql`WITH ${authCte(caller)} SELECT EXISTS (SELECT 1 FROM auth) AS ok`);
      return (result.rows[0] as { ok: boolean } | undefined)?.ok === true;
    },
  };
}
