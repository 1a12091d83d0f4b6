import { sql } from "drizzle-orm";
import type { Caller } from "../../core/ports";
import type { ContactHint, WebhookStore } from "../../core/webhooks/webhook-port";
import type { Database } from "./client";
import { authCte, run } from "./contact-store";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createWebhookStore(db: Database): WebhookStore {
  return {
    async lookup({ caller, eventId, contact }: { caller: Caller; eventId?: string; contact: ContactHint }) {
      const id = contact.aiContactId && UUID.test(contact.aiContactId) ? contact.aiContactId : null;
      // One round trip: the token, its signing secret, an earlier answer to this submission, and
      // the contact (by id when the submission names one, else by email, else by phone digits).
      const result = await run(
        db,
        sql`
        WITH ${authCte({ ...caller, via: "webhook" })}
        SELECT
          (SELECT webhook_id FROM auth) AS webhook_id,
          (SELECT w.signing_secret FROM webhooks w JOIN auth ON w.id = auth.webhook_id) AS signing_secret,
          (SELECT d.response FROM webhook_deliveries d JOIN auth ON d.webhook_id = auth.webhook_id
            WHERE d.event_id = ${eventId ?? null}::text) AS replay,
          CASE WHEN ${contact.aiContactId ?? null}::text IS NOT NULL THEN
            (SELECT c.id FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id WHERE c.id = ${id}::uuid)
          ELSE COALESCE(
            (SELECT c.id FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id
              WHERE ${contact.email ?? null}::text IS NOT NULL AND lower(btrim(c.email)) = ${contact.email ?? null}::text
              ORDER BY c.created_at LIMIT 1),
            (SELECT c.id FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id
              WHERE ${contact.phoneDigits ?? null}::text IS NOT NULL
                AND regexp_replace(c.phone, '[^0-9]', '', 'g') = ${contact.phoneDigits ?? null}::text
              ORDER BY c.created_at LIMIT 1)
          ) END AS contact_id
      `,
      );
      const row = result.rows[0] as
        | {
            webhook_id: string | null;
            signing_secret: string | null;
            replay: unknown;
            contact_id: string | null;
          }
        | undefined;
      if (!row?.webhook_id) {
        return { status: "unauthorized" as const };
      }
      return {
        status: "ok" as const,
        webhookId: row.webhook_id,
        signingSecret: row.signing_secret,
        replay: row.replay ?? null,
        contactId: row.contact_id,
      };
    },

    async saveResponse({ caller, eventId, response }) {
      await run(
        db,
        sql`
        WITH ${authCte({ ...caller, via: "webhook" })}
        UPDATE webhook_deliveries d SET response = ${JSON.stringify(response)}::jsonb
        FROM auth WHERE d.webhook_id = auth.webhook_id AND d.event_id = ${eventId}
      `,
      );
    },
  };
}
