import { sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { WebhookStore } from "../../services/ports";
import type { Database } from "./client";
import { asUuid, authCte, jsonParam, one, run } from "./sql";
import { spendColumn, spendOf } from "./usage-sql";

const LookupSchema = z.object({
  webhook_id: z.nullable(z.string()),
  signing_secret: z.nullable(z.string()),
  replays: z.record(z.string(), z.unknown()),
  contacts: z.record(z.string(), z.nullable(z.string())),
  llm_spend: z.unknown(),
});

export function createWebhookStore(db: Database): WebhookStore {
  return {
    async lookup({ caller, deliveryIds, hints }) {
      const rows = Object.entries(hints).map(([label, hint]) => ({
        label,
        id: hint.aiContactId === undefined ? null : asUuid(hint.aiContactId),
        email: hint.email ?? null,
        phone: hint.phoneDigits ?? null,
      }));
      // One round trip: the token, its signing secret, earlier answers to these delivery ids, and
      // the contact each hint names (by id when it has one, else by email, else by phone digits).
      const row = await one(
        db,
        LookupSchema,
        sql`
        WITH ${authCte({ ...caller, via: "webhook" })},
        hints AS (SELECT * FROM jsonb_to_recordset(${jsonParam(rows)}) AS h(label text, id uuid, email text, phone text))
        SELECT
          (SELECT webhook_id FROM auth) AS webhook_id,
          (SELECT w.signing_secret FROM webhooks w JOIN auth ON w.id = auth.webhook_id) AS signing_secret,
          COALESCE((SELECT jsonb_object_agg(d.event_id, d.response)
            FROM webhook_deliveries d JOIN auth ON d.webhook_id = auth.webhook_id
            WHERE d.event_id IN (SELECT jsonb_array_elements_text(${jsonParam(deliveryIds)}))
              AND d.response IS NOT NULL), '{}'::jsonb) AS replays,
          COALESCE((SELECT jsonb_object_agg(h.label, CASE WHEN h.id IS NOT NULL THEN
            (SELECT c.id FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id WHERE c.id = h.id)
          ELSE COALESCE(
            -- The identity keys and unique indexes of upserts (migrations/*_read_side_sql.sql): an
            -- index lookup. Where emails or phones were duplicated before they became unique, the
            -- key belongs to the oldest contact (the others are marked), as ORDER BY created_at chose.
            (SELECT c.id FROM contacts c
              WHERE c.tenant_id = ${caller.tenantId}::uuid AND EXISTS (SELECT 1 FROM auth)
                AND contact_email_key(c.email) = h.email AND NOT c.email_duplicate),
            (SELECT c.id FROM contacts c
              WHERE c.tenant_id = ${caller.tenantId}::uuid AND EXISTS (SELECT 1 FROM auth)
                AND contact_phone_key(c.phone) = h.phone AND NOT c.phone_duplicate)
          ) END) FROM hints h), '{}'::jsonb) AS contacts,
          ${spendColumn()} AS llm_spend
      `,
      );
      if (!row.webhook_id) {
        return { status: "unauthorized" };
      }
      return {
        status: "ok",
        webhookId: row.webhook_id,
        signingSecret: row.signing_secret,
        replays: new Map(Object.entries(row.replays)),
        contacts: row.contacts,
        spend: spendOf(row.llm_spend),
      };
    },

    async saveResponse({ caller, deliveryId, response }) {
      await run(
        db,
        sql`
        WITH ${authCte({ ...caller, via: "webhook" })}
        UPDATE webhook_deliveries d SET response = ${JSON.stringify(response)}::jsonb
        FROM auth WHERE d.webhook_id = auth.webhook_id AND d.event_id = ${deliveryId}
      `,
      );
    },
  };
}
