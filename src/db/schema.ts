import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { ContactEventType, EventActor, EventPayload } from "../core/events/event-types";

const createdAt = () => timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow();

export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  /**
   * Bumped by every change to the tenant's definitions or names, in the statement that makes it.
   * The KV projection carries the version it was built from, so an older one is recognised.
   */
  definitionsVersion: bigint("definitions_version", { mode: "number" }).notNull().default(0),
  /** Live (not deleted) definitions, kept by the statements that create and delete them. */
  definitionCount: integer("definition_count").notNull().default(0),
  /**
   * Live (not deleted) webhook endpoints, kept by the statements that create and delete them. The
   * create statement claims room by updating this row (`< limit`), so concurrent creates queue on
   * it and none can pass the limit: a count(*) would be read in each statement's own snapshot.
   */
  webhookEndpointCount: integer("webhook_endpoint_count").notNull().default(0),
  /** A request that would create definitions past it is refused whole (422). */
  definitionLimit: integer("definition_limit").notNull().default(10_000),
  /**
   * LLM tokens (prompt + completion) the tenant may spend per UTC month; null: no cap. Past it,
   * requests still succeed without the LLM (`npm run admin -- tenant set-llm-budget`).
   */
  llmTokenBudget: bigint("llm_token_budget", { mode: "number" }),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Visible start of the key (`cmk_XXXXXXXX`) so people can tell keys apart and revoke one. */
    prefix: text("prefix").notNull(),
    /** Hex SHA-256 of the key; the key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex("api_keys_key_hash_idx").on(t.keyHash), index("api_keys_prefix_idx").on(t.prefix)],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name"),
    email: text("email"),
    phone: text("phone"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * Set (by migration only) on a contact whose email an older contact of the tenant already had
     * when emails became unique: it keeps its email, but the unique index and lookups by email skip
     * it (migrations/*_read_side_sql.sql).
     */
    emailDuplicate: boolean("email_duplicate").notNull().default(false),
    /** The same for phones. */
    phoneDuplicate: boolean("phone_duplicate").notNull().default(false),
    /**
     * The sequence of the contact's latest change event. The statement that commits a change bumps
     * it while holding the contact's row lock, so a contact's events are numbered 1, 2, 3… in
     * commit order, without gaps (a contact created by the update statement starts at 1).
     */
    eventSeq: bigint("event_seq", { mode: "number" }).notNull().default(0),
  },
  // (tenant_id, id): search pages walk a tenant's contacts in id order.
  (t) => [index("contacts_tenant_idx").on(t.tenantId, t.id)],
);

/**
 * The ledger of a tenant's custom field definitions. The id is derived from tenant + key, so the
 * same field created twice at once is one row. A deleted definition is kept (deleted_at) because
 * stored values still point at it; creating its key again brings the row back as a new text field.
 */
export const fieldDefinitions = pgTable(
  "field_definitions",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type").notNull(),
    description: text("description"),
    options: jsonb("options").$type<string[]>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp("deleted_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex("field_definitions_tenant_key_idx").on(t.tenantId, t.key)],
);

/**
 * Every name that leads to a definition: its key, its label, its aliases. The primary key makes a
 * normalised name belong to one definition of the tenant at most, so two definitions can never
 * claim one name, whoever writes first. Each row says who taught it.
 */
export const fieldNames = pgTable(
  "field_names",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The canonical (snake_case) form, as keys are compared. */
    name: text("name").notNull(),
    definitionId: uuid("definition_id")
      .notNull()
      .references(() => fieldDefinitions.id, { onDelete: "cascade" }),
    /** Keys never change (the id is derived from the key), so the owner's key can travel with the name. */
    definitionKey: text("definition_key").notNull(),
    /** `key`, `label` or `alias`. */
    kind: text("kind").notNull(),
    /** `admin` (the custom-fields API), `request` (created by an update) or `llm` (a learned alias). */
    source: text("source").notNull(),
    requestId: text("request_id"),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    webhookId: uuid("webhook_id").references(() => webhooks.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.name] }),
    index("field_names_definition_idx").on(t.definitionId),
  ],
);

export const contactFieldValues = pgTable(
  "contact_field_values",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** Written in the same statement as the definition it points at: never a dangling id. */
    customFieldDefinitionId: uuid("custom_field_definition_id")
      .notNull()
      .references(() => fieldDefinitions.id),
    key: text("key").notNull(),
    value: text("value").notNull(),
    sourceKey: text("source_key").notNull(),
    matchedBy: text("matched_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("contact_field_values_contact_key_idx").on(t.contactId, t.key)],
);

/** A per-tenant webhook URL for form builders: it can only update contacts, never read. */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Visible start of the URL token (`whk_XXXXXXXX`), to list and revoke it. */
    prefix: text("prefix").notNull(),
    /** Hex SHA-256 of the URL token; like API keys, the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    /** Shared secret for signature checks (Typeform, Tally, Webflow, X-Signature); HMAC needs it in the clear. */
    signingSecret: text("signing_secret"),
    createdAt: createdAt(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex("webhooks_token_hash_idx").on(t.tokenHash), index("webhooks_prefix_idx").on(t.prefix)],
);

/** Submissions already applied, by the source's own id, so a retried delivery changes nothing. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    /** The answer given the first time, replayed to retries. */
    response: jsonb("response"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.eventId] })],
);

export interface ActivityChange {
  key: string;
  source_key: string;
  old_value: string | null;
  new_value: string | null;
}

export const contactActivities = pgTable(
  "contact_activities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    /** Set instead of api_key_id when the update came through a webhook URL. */
    webhookId: uuid("webhook_id").references(() => webhooks.id, { onDelete: "set null" }),
    requestId: text("request_id").notNull(),
    kind: text("kind").notNull().default(sql`'metadata_updated'`),
    changes: jsonb("changes").$type<ActivityChange[]>().notNull(),
    createdAt: createdAt(),
    /**
     * The history's order. Taken when the row is inserted, while the statement holds its contact's
     * row lock (metadata-store.ts, `locked`), so one contact's rows are numbered in commit order:
     * a row committed after a history page was read is newer than every row on it. created_at (the
     * statement's start) is not: a statement that waited for a lock commits after later ones.
     */
    seq: bigint("seq", { mode: "number" }).notNull().generatedByDefaultAsIdentity(),
  },
  (t) => [index("contact_activities_contact_idx").on(t.contactId, t.seq)],
);

/**
 * Idempotency-Key claims, per API key (issue 15). A row is inserted by the statement that does the
 * request's writes, so it exists only if they committed; the response is stored after it was sent
 * (`response_*` stay null until then). Rows older than 24 hours are free: the next claim takes
 * them over, and the deferred response save prunes a key's expired rows.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    apiKeyId: uuid("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    /** The client's Idempotency-Key header, as sent (1-255 printable ASCII). */
    key: text("key").notNull(),
    /** Hex SHA-256 of method, path and raw body: the same key with another request is a 422. */
    requestHash: text("request_hash").notNull(),
    /** Unique per request: tells a statement whether the row is its own claim or an earlier one. */
    claimToken: uuid("claim_token").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    requestId: text("request_id").notNull(),
    responseStatus: integer("response_status"),
    responseType: text("response_type"),
    /** The body exactly as sent (our bodies are UTF-8 JSON text). */
    responseBody: text("response_body"),
    respondedAt: timestamp("responded_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ columns: [t.apiKeyId, t.key] }),
    index("idempotency_keys_expiry_idx").on(t.apiKeyId, t.claimedAt),
  ],
);

/**
 * Usage, append-only: one row per metered statement (never updated, so concurrent requests of a
 * tenant never queue on a counter row), rolled up per UTC day on read. No foreign key on purpose:
 * its check would take a KEY SHARE lock on the tenant row, which the ledger's FOR UPDATE gate
 * conflicts with, and every metered write would queue behind definition changes.
 */
export const usageEvents = pgTable("usage_events", {
  /** uuidv7 (PG 18): time-ordered, so new rows land at the end of the index. */
  id: uuid("id").primaryKey().default(sql`uuidv7()`),
  tenantId: uuid("tenant_id").notNull(),
  /** The UTC day of the statement (the database's clock). */
  day: date("day", { mode: "string" }).notNull(),
  apiKeyId: uuid("api_key_id"),
  webhookId: uuid("webhook_id"),
  requestId: text("request_id").notNull(),
  /** 1 for a request served (2xx, not a replay); 0 for a row that only carries LLM spend. */
  requests: integer("requests").notNull().default(0),
  /** Values stored or cleared. */
  fieldsWritten: integer("fields_written").notNull().default(0),
  contactsCreated: integer("contacts_created").notNull().default(0),
  llmCalls: integer("llm_calls").notNull().default(0),
  promptTokens: integer("prompt_tokens").notNull().default(0),
  completionTokens: integer("completion_tokens").notNull().default(0),
  createdAt: createdAt(),
});

/**
 * LLM tokens per tenant per UTC month, in 8 shards: the budget check reads at most 8 rows, and
 * concurrent LLM requests of a tenant add to a random shard, so they rarely wait on one another.
 * Written only by statements that follow an LLM call. No foreign key, as for usage_events.
 */
export const llmSpendShards = pgTable(
  "llm_spend_shards",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** The first day of the UTC month. */
    month: date("month", { mode: "string" }).notNull(),
    shard: integer("shard").notNull(),
    calls: integer("calls").notNull().default(0),
    tokens: bigint("tokens", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.month, t.shard] })],
);

/**
 * Where a tenant's own systems hear about contact changes (outgoing, signed with Standard
 * Webhooks; `webhooks` above are the incoming form-builder URLs). Deleted endpoints are kept
 * (deleted_at) so their delivery history still joins.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** The event types it hears; never empty (all types when the caller named none). */
    events: text("events").array().$type<ContactEventType[]>().notNull(),
    /** Field keys it hears about: a metadata change to none of them is not sent. Null: every field. */
    fields: text("fields").array(),
    description: text("description"),
    /** `whsec_` + base64 of 32 random bytes; HMAC signing needs it in the clear, like `signing_secret`. */
    secret: text("secret").notNull(),
    createdAt: createdAt(),
    deletedAt: timestamp("deleted_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId).where(sql`deleted_at IS NULL`)],
);

/**
 * The transactional outbox: one row per committed change of one contact, written by the same
 * statement that writes the values (no change without its event, no event without its change).
 */
export const contactEvents = pgTable(
  "contact_events",
  {
    /** uuidv7 (PG 18): time-ordered, so new rows land at the end of the index. */
    id: uuid("id").primaryKey().default(sql`uuidv7()`),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** contacts.event_seq as this statement left it: 1, 2, 3… per contact in commit order. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    type: text("type").$type<ContactEventType>().notNull(),
    /** `{"changes": [{key, old_value, new_value}]}`; contact.created adds `"contact": {name, email, phone}`. */
    payload: jsonb("payload").$type<EventPayload>().notNull(),
    /** `{"api_key_prefix": "cmk_…"}` or `{"webhook_id": "…"}` (a form-builder webhook URL). */
    actor: jsonb("actor").$type<EventActor>().notNull(),
    requestId: text("request_id").notNull(),
    createdAt: createdAt(),
    /** Set by the sweep when it (re)sends the row; null while only the request's own send tried. */
    enqueuedAt: timestamp("enqueued_at", { withTimezone: true, precision: 3 }),
    /** Set by the consumer once the row's deliveries exist; from then on they carry the retries. */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    // Distinct per contact: a numbering bug fails the statement instead of reordering events.
    uniqueIndex("contact_events_contact_seq_idx").on(t.contactId, t.seq),
    // The sweep's scan: only rows not yet fanned out, a handful at any time.
    index("contact_events_undispatched_idx").on(t.createdAt).where(sql`dispatched_at IS NULL`),
  ],
);

/**
 * One event to one endpoint. The `webhook-id` header is `msg_` + this id without dashes: the same
 * on every attempt and on manual resends, so receivers can deduplicate.
 */
export const eventDeliveries = pgTable(
  "event_deliveries",
  {
    id: uuid("id").primaryKey().default(sql`uuidv7()`),
    tenantId: uuid("tenant_id").notNull(),
    eventId: uuid("event_id")
      .notNull()
      .references(() => contactEvents.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** `pending` (waiting for next_attempt_at), `sending` (claimed until next_attempt_at), `delivered`, `failed`. */
    status: text("status")
      .$type<"pending" | "sending" | "delivered" | "failed">()
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastResponseCode: integer("last_response_code"),
    /** Why the last attempt failed when there is no status to show: `timeout`, `network`, `url_refused`. */
    lastError: text("last_error"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, precision: 3 }),
    /** Pending: when the next attempt is due. Sending: when the claim lapses. Otherwise null. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, precision: 3 }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
    failedAt: timestamp("failed_at", { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
  },
  (t) => [
    // Fan-out is idempotent: a redelivered queue message cannot create a second delivery.
    uniqueIndex("event_deliveries_event_endpoint_idx").on(t.eventId, t.endpointId),
    // GET …/deliveries: an endpoint's newest first.
    index("event_deliveries_endpoint_idx").on(t.endpointId, t.createdAt.desc()),
    // The sweep's scan: deliveries whose retry message may have been lost.
    index("event_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status IN ('pending', 'sending')`),
  ],
);
