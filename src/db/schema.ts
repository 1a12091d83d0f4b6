import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow();

export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
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
  },
  (t) => [index("contacts_tenant_idx").on(t.tenantId)],
);

export const contactFieldValues = pgTable(
  "contact_field_values",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** Id of the definition in the tenant's KV record; KV is not relational, so no foreign key. */
    customFieldDefinitionId: uuid("custom_field_definition_id").notNull(),
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
  },
  (t) => [index("contact_activities_contact_idx").on(t.contactId, t.createdAt)],
);
