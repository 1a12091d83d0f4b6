import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
    requestId: text("request_id").notNull(),
    kind: text("kind").notNull().default(sql`'metadata_updated'`),
    changes: jsonb("changes").$type<ActivityChange[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("contact_activities_contact_idx").on(t.contactId, t.createdAt)],
);
