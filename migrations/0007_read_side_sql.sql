-- The read side (issue 14): history order, contact identity by email and phone, search indexes.
-- Hand-written: functions, expression and partial indexes drizzle-kit cannot express.

-- History: rows written before `seq` existed were numbered in whatever order the table was read;
-- renumber them in their created_at order (ties by id), then let the identity continue after them.
UPDATE "contact_activities" a SET "seq" = o.n
FROM (SELECT "id", row_number() OVER (ORDER BY "created_at", "id") AS n FROM "contact_activities") o
WHERE a."id" = o."id";--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('contact_activities', 'seq'),
  COALESCE((SELECT max("seq") FROM "contact_activities"), 0) + 1, false);--> statement-breakpoint

-- A contact's identity keys. One definition each, used by the unique indexes, upserts, POST
-- /contact and the form webhooks' lookups alike, so all of them compare the same way:
-- an email case-insensitively and trimmed; a phone by its digits (E.164 without its "+", for the
-- phones we store; any formatting of an older one). Blank is no key at all.
CREATE OR REPLACE FUNCTION contact_email_key(email text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN NULLIF(lower(btrim(email)), '');--> statement-breakpoint
CREATE OR REPLACE FUNCTION contact_phone_key(phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN NULLIF(regexp_replace(phone, '[^0-9]', '', 'g'), '');--> statement-breakpoint

-- Existing data: emails and phones were never unique, so a tenant may have several contacts with
-- one address. Nothing is deleted or rewritten: the OLDEST of them (created_at, then id) owns the
-- key, the others are marked and keep their email or phone as it was, outside the unique index.
-- Lookups (upsert, webhooks) skip marked rows, so they find the oldest contact, which is what the
-- webhook lookup (ORDER BY created_at LIMIT 1) found before.
UPDATE "contacts" c SET "email_duplicate" = true
FROM (SELECT "id", row_number() OVER (PARTITION BY "tenant_id", contact_email_key("email") ORDER BY "created_at", "id") AS n
      FROM "contacts" WHERE contact_email_key("email") IS NOT NULL) d
WHERE c."id" = d."id" AND d.n > 1;--> statement-breakpoint
UPDATE "contacts" c SET "phone_duplicate" = true
FROM (SELECT "id", row_number() OVER (PARTITION BY "tenant_id", contact_phone_key("phone") ORDER BY "created_at", "id") AS n
      FROM "contacts" WHERE contact_phone_key("phone") IS NOT NULL) d
WHERE c."id" = d."id" AND d.n > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_tenant_email_key_idx" ON "contacts" ("tenant_id", contact_email_key("email"))
  WHERE NOT "email_duplicate";--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_tenant_phone_key_idx" ON "contacts" ("tenant_id", contact_phone_key("phone"))
  WHERE NOT "phone_duplicate";--> statement-breakpoint

-- Search. Typed comparisons read a value through these; whatever does not have the form gives
-- NULL (never an error: every value of every field passes through them when it is written).
-- A number: the canonical decimal the number formatter writes (bounded, so no index entry is huge).
CREATE OR REPLACE FUNCTION field_value_number(value text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN length(value) <= 300 AND value ~ '^-?[0-9]+(\.[0-9]+)?$' THEN value::numeric END;--> statement-breakpoint
-- A date (YYYY-MM-DD, its midnight) or an ISO datetime as the formatters write it, UTC (`...Z`) or
-- wall-clock (no zone, compared as if UTC). The cast is only STABLE in general (it reads DateStyle
-- and knows 'now'), but on this one ISO form it depends on nothing, so the function is IMMUTABLE.
CREATE OR REPLACE FUNCTION field_value_instant(value text) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN length(value) <= 40
  AND value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?Z?)?$'
  AND pg_input_is_valid(value, 'timestamp') THEN value::timestamp END;--> statement-breakpoint
-- The value indexes end with contact_id: the matches of one eq come out in contact id order, the
-- order search pages in, so a page is the next 50 entries of the index whether 10 contacts match
-- or half the tenant (no sort of every match).
-- eq on any field: the first 200 characters (a btree entry must stay under ~2.7 kB whatever the
-- value's length; a longer value is compared whole after), byte order.
CREATE INDEX "contact_field_values_search_idx"
  ON "contact_field_values" ("tenant_id", "key", (left("value", 200) COLLATE "C"), "contact_id");--> statement-breakpoint
-- gt/gte/lt/lte (and eq) on number fields: only values that read as numbers are in it.
CREATE INDEX "contact_field_values_number_idx"
  ON "contact_field_values" ("tenant_id", "key", field_value_number("value"), "contact_id")
  WHERE field_value_number("value") IS NOT NULL;--> statement-breakpoint
-- The same for date and datetime fields.
CREATE INDEX "contact_field_values_instant_idx"
  ON "contact_field_values" ("tenant_id", "key", field_value_instant("value"), "contact_id")
  WHERE field_value_instant("value") IS NOT NULL;--> statement-breakpoint
-- The planner does not estimate from a partial index's statistics (they cover only its rows), so
-- without these it guesses a third of all values for every comparison and walks every contact
-- for a range that a few match.
CREATE STATISTICS IF NOT EXISTS "contact_field_values_number_stats"
  ON (field_value_number("value")) FROM "contact_field_values";--> statement-breakpoint
CREATE STATISTICS IF NOT EXISTS "contact_field_values_instant_stats"
  ON (field_value_instant("value")) FROM "contact_field_values";--> statement-breakpoint
ANALYZE "contact_field_values";
