import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import { CONTACT_EVENT_TYPES } from "../../core/events/event-types";
import { webhookMessageId } from "../../core/events/message-id";
import type { CreatedWebhookEndpoint, EventDelivery, WebhookEndpointStore } from "../../services/ports";
import type { Database } from "./client";
import { claimColumn, claimCte, earlierClaimOf } from "./idempotency-sql";
import { asUuid, authCte, jsonParam, one, Refused, Timestamp } from "./sql";

const EventTypeSchema = z.enum(CONTACT_EVENT_TYPES);

const EndpointRowSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(EventTypeSchema),
  fields: z.nullable(z.array(z.string())),
  description: z.nullable(z.string()),
  created_at: Timestamp,
});

const DeliveryRowSchema = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: EventTypeSchema,
  contact_id: z.string(),
  status: z.enum(["pending", "sending", "delivered", "failed"]),
  attempts: z.number(),
  last_response_code: z.nullable(z.number()),
  last_error: z.nullable(z.string()),
  last_attempt_at: z.nullable(Timestamp),
  next_attempt_at: z.nullable(Timestamp),
  delivered_at: z.nullable(Timestamp),
  failed_at: z.nullable(Timestamp),
  created_at: Timestamp,
});

const toDelivery = (row: z.infer<typeof DeliveryRowSchema>): EventDelivery => ({
  id: row.id,
  webhook_id: webhookMessageId(row.id),
  event_id: row.event_id,
  event_type: row.event_type,
  contact_id: row.contact_id,
  status: row.status,
  attempts: row.attempts,
  last_response_code: row.last_response_code,
  last_error: row.last_error,
  last_attempt_at: row.last_attempt_at,
  // While an attempt holds it, next_attempt_at is its claim, not a retry time.
  next_retry_at: row.status === "pending" ? row.next_attempt_at : null,
  delivered_at: row.delivered_at,
  failed_at: row.failed_at,
  created_at: row.created_at,
});

/** The tenant's live endpoint by id, as a CTE named `endpoint` (after `auth`). */
const endpointCte = (id: string): SQL => sql`endpoint AS (
  SELECT e.id FROM webhook_endpoints e JOIN auth ON e.tenant_id = auth.tenant_id
  WHERE e.id = ${asUuid(id)}::uuid AND e.deleted_at IS NULL
)`;

/** A listed endpoint never carries its secret. */
const ENDPOINT_JSON = sql`jsonb_build_object('id', e.id, 'url', e.url, 'events', to_jsonb(e.events),
  'fields', to_jsonb(e.fields), 'description', e.description, 'created_at', e.created_at)`;

const DELIVERY_JSON = sql`jsonb_build_object('id', d.id, 'event_id', d.event_id, 'event_type', ev.type,
  'contact_id', ev.contact_id, 'status', d.status, 'attempts', d.attempts,
  'last_response_code', d.last_response_code, 'last_error', d.last_error, 'last_attempt_at', d.last_attempt_at,
  'next_attempt_at', d.next_attempt_at, 'delivered_at', d.delivered_at, 'failed_at', d.failed_at,
  'created_at', d.created_at)`;

/** One statement per operation, each starting from the caller's credential (auth costs no round trip). */
export function createWebhookEndpointStore(db: Database): WebhookEndpointStore {
  return {
    async create({ caller, endpoint, limit, requestId, idempotency }) {
      let row: { authorized: boolean; endpoint: CreatedWebhookEndpoint | null; idempotency: unknown };
      try {
        row = await one(
          db,
          z.object({
            authorized: z.boolean(),
            endpoint: z.nullable(z.extend(EndpointRowSchema, { secret: z.string() })),
            idempotency: z.unknown(),
          }),
          sql`
        WITH ${authCte(caller)}, ${claimCte(idempotency, requestId)},
        room AS (
          -- Claims a place under the limit on the tenant row: a concurrent create waits for this
          -- row and then sees its count (a count(*) of endpoints would not see the other's insert).
          UPDATE tenants t SET webhook_endpoint_count = t.webhook_endpoint_count + 1
          FROM auth
          WHERE t.id = auth.tenant_id AND t.webhook_endpoint_count < ${limit} AND EXISTS (SELECT 1 FROM go)
          RETURNING t.id
        ),
        created AS (
          INSERT INTO webhook_endpoints (tenant_id, url, events, fields, description, secret)
          SELECT auth.tenant_id, ${endpoint.url},
            ARRAY(SELECT jsonb_array_elements_text(${jsonParam(endpoint.events)})),
            CASE WHEN ${jsonParam(endpoint.fields)} = 'null'::jsonb THEN NULL
              ELSE ARRAY(SELECT jsonb_array_elements_text(${jsonParam(endpoint.fields)})) END,
            ${endpoint.description}, ${endpoint.secret}
          FROM auth JOIN room ON room.id = auth.tenant_id
          RETURNING *
        )
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          (SELECT ${ENDPOINT_JSON} || jsonb_build_object('secret', e.secret) FROM created e) AS endpoint,
          ${claimColumn(idempotency)} AS idempotency,
          -- At the limit the statement refuses itself, so an Idempotency-Key claim is not kept for
          -- a request that wrote nothing (its retry is processed afresh).
          CASE WHEN EXISTS (SELECT 1 FROM go) AND NOT EXISTS (SELECT 1 FROM created)
            THEN refuse('{"code": "ENDPOINT_LIMIT"}'::jsonb) ELSE true END AS within_limit
      `,
        );
      } catch (err) {
        if (err instanceof Refused) {
          return { status: "limit_reached" };
        }
        throw err;
      }
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      const earlier = earlierClaimOf(row.idempotency);
      if (earlier) {
        return { status: "claimed_earlier", earlier };
      }
      if (!row.endpoint) {
        throw new Error("the endpoint's statement created nothing and refused nothing");
      }
      return { status: "ok", endpoint: row.endpoint };
    },

    async list(caller) {
      const row = await one(
        db,
        z.object({ authorized: z.boolean(), endpoints: z.array(EndpointRowSchema) }),
        sql`
        WITH ${authCte(caller)}
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          COALESCE((
            SELECT jsonb_agg(${ENDPOINT_JSON} ORDER BY e.created_at, e.id)
            FROM webhook_endpoints e JOIN auth ON e.tenant_id = auth.tenant_id WHERE e.deleted_at IS NULL
          ), '[]'::jsonb) AS endpoints
      `,
      );
      return row.authorized ? { status: "ok", endpoints: row.endpoints } : { status: "unauthorized" };
    },

    async remove(caller, id) {
      const row = await one(
        db,
        z.object({ authorized: z.boolean(), deleted: z.boolean() }),
        sql`
        WITH ${authCte(caller)}, ${endpointCte(id)},
        deleted AS (
          -- deleted_at IS NULL again: of two concurrent deletes, the one that waited finds the row
          -- deleted, deletes nothing and gives no room back.
          UPDATE webhook_endpoints e SET deleted_at = now() FROM endpoint
          WHERE e.id = endpoint.id AND e.deleted_at IS NULL
          RETURNING e.id, e.tenant_id
        ),
        room AS (
          UPDATE tenants t SET webhook_endpoint_count = t.webhook_endpoint_count - 1
          FROM deleted WHERE t.id = deleted.tenant_id
        ),
        abandoned AS (
          -- Nobody is listening any more: its unsent deliveries end here instead of retrying for a day.
          UPDATE event_deliveries d SET status = 'failed', failed_at = now(), next_attempt_at = NULL,
            last_error = 'endpoint_deleted'
          FROM deleted WHERE d.endpoint_id = deleted.id AND d.status IN ('pending', 'sending')
        )
        SELECT EXISTS (SELECT 1 FROM auth) AS authorized, EXISTS (SELECT 1 FROM deleted) AS deleted
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      return row.deleted ? { status: "ok" } : { status: "not_found" };
    },

    async listDeliveries({ caller, endpointId, limit }) {
      const row = await one(
        db,
        z.object({ authorized: z.boolean(), found: z.boolean(), deliveries: z.array(DeliveryRowSchema) }),
        sql`
        WITH ${authCte(caller)}, ${endpointCte(endpointId)}
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          EXISTS (SELECT 1 FROM endpoint) AS found,
          COALESCE((
            SELECT jsonb_agg(x.delivery ORDER BY x.created_at DESC, x.id DESC) FROM (
              SELECT ${DELIVERY_JSON} AS delivery, d.created_at, d.id
              FROM event_deliveries d JOIN endpoint ON d.endpoint_id = endpoint.id
              JOIN contact_events ev ON ev.id = d.event_id
              ORDER BY d.created_at DESC, d.id DESC LIMIT ${limit}
            ) x
          ), '[]'::jsonb) AS deliveries
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      return row.found
        ? { status: "ok", deliveries: row.deliveries.map(toDelivery) }
        : { status: "not_found" };
    },

    async retryDelivery({ caller, endpointId, deliveryId }) {
      const row = await one(
        db,
        z.object({ authorized: z.boolean(), queued: z.boolean(), delivery: z.nullable(DeliveryRowSchema) }),
        sql`
        WITH ${authCte(caller)}, ${endpointCte(endpointId)},
        retried AS (
          UPDATE event_deliveries d SET status = 'pending', next_attempt_at = now(), failed_at = NULL
          FROM endpoint WHERE d.id = ${asUuid(deliveryId)}::uuid AND d.endpoint_id = endpoint.id
            AND d.status <> 'sending'
          RETURNING d.*
        ),
        current AS (
          SELECT d.* FROM event_deliveries d JOIN endpoint ON d.endpoint_id = endpoint.id
          WHERE d.id = ${asUuid(deliveryId)}::uuid
        )
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          EXISTS (SELECT 1 FROM retried) AS queued,
          -- The snapshot shows the row as it was before this statement's update, so the new state
          -- comes from RETURNING; an in-flight one (not updated) is shown as it is.
          COALESCE(
            (SELECT ${DELIVERY_JSON} FROM retried d JOIN contact_events ev ON ev.id = d.event_id),
            (SELECT ${DELIVERY_JSON} FROM current d JOIN contact_events ev ON ev.id = d.event_id)
          ) AS delivery
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      return row.delivery
        ? { status: "ok", queued: row.queued, delivery: toDelivery(row.delivery) }
        : { status: "not_found" };
    },
  };
}
