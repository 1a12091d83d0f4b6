import { sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { OutboxSweepStore } from "../../services/ports";
import type { Database } from "./client";
import { one } from "./sql";

const SweptSchema = z.object({ event_ids: z.array(z.string()), delivery_ids: z.array(z.string()) });

/**
 * One statement. SKIP LOCKED: two sweeps at once split the rows instead of queueing behind each
 * other. A delivery found here is a lost retry message, or an attempt whose invocation died holding
 * its claim (`sending` past its lease): both are made due now.
 */
export function createOutboxSweepStore(db: Database): OutboxSweepStore {
  return {
    async sweep({ graceSeconds, limit }) {
      const row = await one(
        db,
        SweptSchema,
        sql`
        WITH lost_events AS (
          UPDATE contact_events e SET enqueued_at = now()
          WHERE e.id IN (
            SELECT id FROM contact_events
            WHERE dispatched_at IS NULL
              AND COALESCE(enqueued_at, created_at) < now() - make_interval(secs => ${graceSeconds})
            ORDER BY created_at LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
          RETURNING e.id
        ),
        lost_deliveries AS (
          UPDATE event_deliveries d SET status = 'pending', next_attempt_at = now()
          WHERE d.id IN (
            SELECT id FROM event_deliveries
            WHERE status IN ('pending', 'sending') AND next_attempt_at < now() - make_interval(secs => ${graceSeconds})
            ORDER BY next_attempt_at LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
          RETURNING d.id
        )
        SELECT
          COALESCE((SELECT jsonb_agg(id) FROM lost_events), '[]'::jsonb) AS event_ids,
          COALESCE((SELECT jsonb_agg(id) FROM lost_deliveries), '[]'::jsonb) AS delivery_ids
      `,
      );
      return { eventIds: row.event_ids, deliveryIds: row.delivery_ids };
    },
  };
}
