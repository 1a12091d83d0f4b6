import { sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { ContactReadStore } from "../../services/ports";
import type { Database } from "./client";
import { asUuid, authCte, one, Timestamp } from "./sql";
import { usageCte } from "./usage-sql";

const EntrySchema = z.object({
  id: z.string(),
  seq: z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((value) => String(value)),
  ),
  created_at: Timestamp,
  kind: z.string(),
  request_id: z.string(),
  api_key_prefix: z.nullable(z.string()),
  webhook_id: z.nullable(z.string()),
  changes: z.array(
    z.object({
      key: z.string(),
      source_key: z.string(),
      old_value: z.nullable(z.string()),
      new_value: z.nullable(z.string()),
    }),
  ),
});

const PageSchema = z.object({
  authorized: z.boolean(),
  found: z.boolean(),
  entries: z.array(EntrySchema),
});

/**
 * A contact's history, one statement: the credential, the contact (of the caller's tenant) and one
 * page of its activity rows newest first, by `seq` on the (contact_id, seq) index, read backwards
 * from the cursor. With `key`, only rows whose changes name that field, each cut down to that
 * change (jsonb containment, then the array filtered).
 */
export function createActivityStore(db: Database): Pick<ContactReadStore, "activity"> {
  return {
    async activity({ caller, contactId, limit, before, key, usage = null }) {
      const row = await one(
        db,
        PageSchema,
        sql`
        WITH ${authCte(caller)},
        target AS (
          SELECT c.id FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id WHERE c.id = ${asUuid(contactId)}::uuid
        ),
        page AS (
          SELECT a.id, a.seq, a.created_at, a.kind, a.request_id, a.api_key_id, a.webhook_id, a.changes
          FROM contact_activities a
          WHERE a.contact_id = (SELECT id FROM target)
            ${before === null ? sql`` : sql`AND a.seq < ${before}::bigint`}
            ${key === null ? sql`` : sql`AND a.changes @> jsonb_build_array(jsonb_build_object('key', ${key}::text))`}
          ORDER BY a.seq DESC
          LIMIT ${limit}
        ),
        -- A read is a request too: counted by its own statement (a 404 is not counted).
        ${usageCte(usage, sql`EXISTS (SELECT 1 FROM target)`)}
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          EXISTS (SELECT 1 FROM target) AS found,
          COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
              'id', p.id, 'seq', p.seq::text, 'created_at', p.created_at, 'kind', p.kind,
              'request_id', p.request_id, 'api_key_prefix', k.prefix, 'webhook_id', p.webhook_id,
              'changes', ${
                key === null
                  ? sql`p.changes`
                  : sql`(SELECT jsonb_agg(ch) FROM jsonb_array_elements(p.changes) AS ch WHERE ch ->> 'key' = ${key}::text)`
              }) ORDER BY p.seq DESC)
            FROM page p LEFT JOIN api_keys k ON k.id = p.api_key_id
          ), '[]'::jsonb) AS entries
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      if (!row.found) {
        return { status: "not_found" };
      }
      return { status: "ok", entries: row.entries };
    },
  };
}
