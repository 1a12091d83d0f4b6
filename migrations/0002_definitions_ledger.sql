CREATE TABLE "field_definitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"type" text NOT NULL,
	"description" text,
	"options" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "field_names" (
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"definition_id" uuid NOT NULL,
	"definition_key" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"request_id" text,
	"api_key_id" uuid,
	"webhook_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "field_names_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "definitions_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "definition_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "definition_limit" integer DEFAULT 10000 NOT NULL;--> statement-breakpoint
ALTER TABLE "field_definitions" ADD CONSTRAINT "field_definitions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_names" ADD CONSTRAINT "field_names_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_names" ADD CONSTRAINT "field_names_definition_id_field_definitions_id_fk" FOREIGN KEY ("definition_id") REFERENCES "public"."field_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_names" ADD CONSTRAINT "field_names_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_names" ADD CONSTRAINT "field_names_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "field_definitions_tenant_key_idx" ON "field_definitions" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "field_names_definition_idx" ON "field_names" USING btree ("definition_id");--> statement-breakpoint
-- Definitions lived in KV before this migration, which SQL cannot read: every value already
-- stored gets a text definition under its own id and key, so the new foreign key holds and no
-- value is lost. Curated types, labels and aliases must be set again (custom-fields PUT).
INSERT INTO "field_definitions" ("id", "tenant_id", "key", "label", "type")
SELECT DISTINCT ON ("custom_field_definition_id") "custom_field_definition_id", "tenant_id", "key", "key", 'text'
FROM "contact_field_values" ORDER BY "custom_field_definition_id"
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "field_names" ("tenant_id", "name", "definition_id", "definition_key", "kind", "source")
SELECT "tenant_id", "key", "id", "key", 'key', 'admin' FROM "field_definitions"
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "tenants" t SET "definition_count" = (SELECT count(*) FROM "field_definitions" d WHERE d."tenant_id" = t."id"),
  "definitions_version" = 1;--> statement-breakpoint
ALTER TABLE "contact_field_values" ADD CONSTRAINT "contact_field_values_custom_field_definition_id_field_definitions_id_fk" FOREIGN KEY ("custom_field_definition_id") REFERENCES "public"."field_definitions"("id") ON DELETE no action ON UPDATE no action;