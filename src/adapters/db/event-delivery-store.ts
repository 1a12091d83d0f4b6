import { sql } from "drizzle-orm";
import * as z from "zod/mini";
import { CONTACT_EVENT_TYPES } from "../../core/events/event-types";
import type { ClaimedDelivery, EventDeliveryStore } from "../../events/ports";
import type { Database } from "./client";
import { Count, jsonParam, run, Timestamp } from "./sql";

const ChangeSchema = z.object({
  key: z.string(),
  old_value: z.nullable(z.string()),
  new_value: z.nullable(z.string()),
});

const ClaimedRowSchema = z.object({
  id: z.string(),
  attempts: z.number(),
  url: z.string(),
  secret: z.string(),
  fields: z.nullable(z.array(z.string())),
  event_id: z.string(),
  type: z.enum(CONTACT_EVENT_TYPES),
  contact_id: z.string(),
  seq: Count,
  payload: z.object({
    changes: z.array(ChangeSchema),
    contact: z.optional(
      z.object({
        name: z.nullable(z.string()),
        email: z.nullable(z.string()),
        phone: z.nullable(z.string()),
      }),
    ),
  }),
  actor: z.union([z.object({ api_key_prefix: z.string() }), z.object({ webhook_id: z.string() })]),
  request_id: z.string(),
  created_at: Timestamp,
});

const toClaimed = (r: z.infer<typeof ClaimedRowSchema>): ClaimedDelivery => ({
  id: r.id,
  attempts: r.attempts,
  url: r.url,
  secret: r.secret,
  fields: r.fields,
  event: {
    id: r.event_id,
    type: r.type,
    contactId: r.contact_id,
    seq: r.seq,
    payload: r.payload,
    actor: r.actor,
    requestId: r.request_id,
    createdAt: r.created_at,
  },
});

/** The events Worker's statements: no caller here, the ids come from our own queue. */
export function createEventDeliveryStore(db: Database): EventDeliveryStore {
  return {
    async claim({ eventIds, deliveryIds, leaseSeconds }) {
      if (eventIds.length === 0 && deliveryIds.length === 0) {
        return [];
      }
      const rows = await run(
        db,
        sql`
        WITH fresh AS (
          -- dispatched_at makes a duplicate message (the request's send and the sweep's) a no-op.
          UPDATE contact_events e SET dispatched_at = now()
          WHERE e.id IN (SELECT jsonb_array_elements_text(${jsonParam(eventIds)})::uuid)
            AND e.dispatched_at IS NULL
          RETURNING e.id, e.tenant_id, e.type, e.payload, e.created_at
        ),
        fanned AS (
          -- An endpoint hears events committed after it was registered, of the types it chose,
          -- and, for metadata changes, only if one of its fields changed.
          INSERT INTO event_deliveries (tenant_id, event_id, endpoint_id, status, next_attempt_at)
          SELECT ev.tenant_id, ev.id, ep.id, 'sending', now() + make_interval(secs => ${leaseSeconds})
          FROM fresh ev JOIN webhook_endpoints ep
            ON ep.tenant_id = ev.tenant_id AND ep.deleted_at IS NULL AND ep.created_at <= ev.created_at
            AND ev.type = ANY (ep.events)
            AND (ep.fields IS NULL OR ev.type <> 'contact.metadata_updated' OR EXISTS (
              SELECT 1 FROM jsonb_array_elements(ev.payload -> 'changes') ch WHERE ch ->> 'key' = ANY (ep.fields)))
          ON CONFLICT (event_id, endpoint_id) DO NOTHING
          RETURNING id, event_id, endpoint_id, attempts
        ),
        reclaimed AS (
          -- Due now (a few seconds early is fine: queue delays are not exact), or claimed by an
          -- attempt that never reported back.
          UPDATE event_deliveries d SET status = 'sending', next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
          FROM webhook_endpoints ep
          WHERE d.id IN (SELECT jsonb_array_elements_text(${jsonParam(deliveryIds)})::uuid)
            AND ep.id = d.endpoint_id AND ep.deleted_at IS NULL
            AND ((d.status = 'pending' AND d.next_attempt_at <= now() + interval '5 seconds')
              OR (d.status = 'sending' AND d.next_attempt_at < now()))
          RETURNING d.id, d.event_id, d.endpoint_id, d.attempts
        ),
        claimed AS (SELECT * FROM fanned UNION ALL SELECT * FROM reclaimed)
        SELECT c.id, c.attempts, ep.url, ep.secret, to_jsonb(ep.fields) AS fields,
          ev.id AS event_id, ev.type, ev.contact_id, ev.seq, ev.payload, ev.actor, ev.request_id, ev.created_at
        FROM claimed c
        JOIN webhook_endpoints ep ON ep.id = c.endpoint_id
        JOIN contact_events ev ON ev.id = c.event_id
        ORDER BY ev.contact_id, ev.seq
      `,
      );
      return z.parse(z.array(ClaimedRowSchema), rows).map(toClaimed);
    },

    async record(attempts) {
      if (attempts.length === 0) {
        return;
      }
      const rows = attempts.map((a) => ({
        id: a.id,
        status: a.status,
        code: a.responseCode,
        error: a.error,
        delay: a.delaySeconds,
      }));
      await run(
        db,
        sql`
        UPDATE event_deliveries d SET
          attempts = d.attempts + 1,
          last_attempt_at = now(),
          last_response_code = r.code,
          last_error = r.error,
          status = r.status,
          next_attempt_at = CASE WHEN r.status = 'pending' THEN now() + make_interval(secs => r.delay) END,
          delivered_at = CASE WHEN r.status = 'delivered' THEN now() ELSE d.delivered_at END,
          failed_at = CASE WHEN r.status = 'failed' THEN now() END
        FROM jsonb_to_recordset(${jsonParam(rows)}) AS r(id uuid, status text, code integer, error text, delay integer)
        WHERE d.id = r.id AND d.status = 'sending'
      `,
      );
    },
  };
}
