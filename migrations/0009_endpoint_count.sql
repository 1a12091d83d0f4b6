ALTER TABLE "tenants" ADD COLUMN "webhook_endpoint_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing tenants start from the endpoints they have.
UPDATE "tenants" t SET "webhook_endpoint_count" = (
  SELECT count(*) FROM "webhook_endpoints" e WHERE e."tenant_id" = t."id" AND e."deleted_at" IS NULL
);
