-- Usage is rolled up per tenant and UTC day on read (GET /api/public/usage, `npm run admin --
-- tenant usage`): every counter rides in the index, so the rollup is an index-only scan of the
-- range and never visits the heap. drizzle-kit cannot express INCLUDE, hence this file.
CREATE INDEX "usage_events_tenant_day_idx" ON "usage_events" USING btree ("tenant_id", "day")
  INCLUDE ("requests", "fields_written", "contacts_created", "llm_calls", "prompt_tokens", "completion_tokens");
